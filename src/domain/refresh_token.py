"""Refresh tokens: one row per token issued, grouped in families (one family per sign-in).

Only a token's SHA-256 hash is ever stored: the tokens are 256 random bits, so a plain hash
is enough (no salt or slow hash needed) and a stolen table holds nothing usable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


def hash_refresh_token(token: str) -> str:
    """The hex SHA-256 of a refresh token: what is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """One refresh token of a family. A family shares its user and its absolute expiry
    (`expires_at`, fixed at sign-in); each use rotates the token (`rotated_at` set, a new
    token of the same family issued); `revoked_at` ends the whole family."""

    token_hash: str
    family_id: str
    user_id: int
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at
