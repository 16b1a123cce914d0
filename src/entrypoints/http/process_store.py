"""Litestar's MemoryStore without the lock on its two hot calls, for the rate limits and the
login throttle when they count in this process (no Redis, or Redis failing).

MemoryStore takes an anyio lock around every `get` and `set`; acquiring it yields to the
event loop even when no one else holds it, twice per rate-limited request. The code under
that lock never awaits, and the store lives in one event loop's thread, so no other task
can run in between: `get` and `set` here are the same dictionary operations without it.
(The other calls, rarely made, keep MemoryStore's lock.)
"""

from __future__ import annotations

from datetime import timedelta

from litestar.stores.base import StorageObject
from litestar.stores.memory import MemoryStore


class ProcessStore(MemoryStore):
    __slots__ = ()

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8")
        self._store[key] = StorageObject.new(data=value, expires_in=expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        stored = self._store.get(key)
        if not stored:
            return None
        if stored.expired:
            self._store.pop(key, None)
            return None
        if renew_for and stored.expires_at:
            stored = StorageObject.new(data=stored.data, expires_in=renew_for)
            self._store[key] = stored
        return stored.data
