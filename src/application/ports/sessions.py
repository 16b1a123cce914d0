"""Ports of the sign-in sessions: the refresh-token store and the install secrets."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.refresh_token import RefreshToken


class RefreshTokenStore(Protocol):
    """Refresh tokens by hash; every method is one transaction of its own."""

    async def add(self, token: RefreshToken) -> None: ...

    async def find(self, token_hash: str) -> RefreshToken | None: ...

    async def rotate(self, used_hash: str, successor: RefreshToken, at: datetime) -> bool:
        """Mark `used_hash` rotated and store `successor`, atomically, only if the used
        token is neither rotated nor revoked yet; False (and nothing stored) otherwise.
        Two concurrent uses of one token: exactly one of them wins."""
        ...

    async def revoke_family(self, family_id: str, at: datetime) -> None:
        """Revoke every token of the family that is not revoked yet."""
        ...

    async def delete_expired(self, now: datetime) -> int:
        """Forget the tokens past their absolute expiry; how many were deleted."""
        ...


class InstallSecrets(Protocol):
    """Secrets generated once per installation and shared by every process using the
    same database."""

    async def get_or_create(self, name: str, candidate: str, at: datetime) -> str:
        """The secret stored under `name`; `candidate` is stored first when there is none.
        Race-safe: processes creating it at once all get the one that was stored."""
        ...
