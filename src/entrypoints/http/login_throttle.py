"""Failed-login limits per username and per client address (OWASP API2: brute force).

Fixed windows counted in a Litestar store: Redis when REDIS_URL is set (shared by every
process; a failing Redis falls back to memory, see fallback_store.py), else memory.
Counts are read then written, so a burst of concurrent guesses may undercount by a few.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from litestar.stores.base import Store

LOGIN_THROTTLE_STORE = "login_throttle"  # the app registers a RedisStore under it with REDIS_URL


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window_seconds: int
    failures_per_username: int
    failures_per_address: int


class LoginThrottle:
    """Refuses logins of a username, or from an address, with too many recent failures.

    While refused, even the right password is not checked, so guessing cannot go on.
    A successful login clears its username's count (not its address's).
    """

    def __init__(self, store: Store, limits: LoginLimits) -> None:
        self._store = store
        self._limits = limits

    @staticmethod
    def _user_key(username: str) -> str:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        return f"login:user:{digest}"

    @staticmethod
    def _address_key(address: str) -> str:
        return f"login:addr:{address}"

    async def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until this username and address may try again; None if they may now."""
        waits = [
            await self._blocked_for(self._user_key(username), self._limits.failures_per_username),
            await self._blocked_for(self._address_key(address), self._limits.failures_per_address),
        ]
        blocked = [wait for wait in waits if wait is not None]
        return max(blocked) if blocked else None

    async def failed(self, username: str, address: str) -> None:
        await self._count(self._user_key(username))
        await self._count(self._address_key(address))

    async def succeeded(self, username: str) -> None:
        await self._store.delete(self._user_key(username))

    async def _blocked_for(self, key: str, limit: int) -> int | None:
        count, expires_in = await self._read(key)
        if count < limit:
            return None
        return max(1, expires_in or self._limits.window_seconds)

    async def _count(self, key: str) -> None:
        count, expires_in = await self._read(key)
        # Keep the window's end: the first failure opens the window, later ones fill it.
        ttl = expires_in if count and expires_in and expires_in > 0 else self._limits.window_seconds
        await self._store.set(key, str(count + 1), expires_in=ttl)

    async def _read(self, key: str) -> tuple[int, int | None]:
        raw, expires_in = await self._store.get(key), await self._store.expires_in(key)
        try:
            return (int(raw) if raw is not None else 0), expires_in
        except ValueError:
            return 0, None
