"""A shared store (Redis) that falls back to this process's memory while it fails.

The rate limits and the login throttle count in Redis so every process shares the counts;
when Redis is down they keep counting per process, with a warning, instead of turning every
request into a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from litestar.stores.base import Store
from redis.exceptions import RedisError

from entrypoints.http.process_store import ProcessStore

log = logging.getLogger(__name__)
T = TypeVar("T")
STORE_ERRORS = (RedisError, OSError)


class FallbackStore(Store):
    """`primary`, or a per-process memory store for each call `primary` fails."""

    def __init__(self, primary: Store, label: str) -> None:
        self._primary = primary
        self._local = ProcessStore()
        self._label = label

    @property
    def primary(self) -> Store:
        return self._primary

    @property
    def local(self) -> Store:
        """Where counts go while `primary` fails."""
        return self._local

    def failed(self, exc: BaseException) -> None:
        """Say that `primary` failed a call (the caller goes on with `local`)."""
        log.warning("%s store failed, counting in memory: %s", self._label, type(exc).__name__)

    async def _either(self, call: Callable[[Store], Awaitable[T]]) -> T:
        try:
            return await call(self._primary)
        except STORE_ERRORS as exc:
            self.failed(exc)
            return await call(self._local)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        await self._either(lambda store: store.set(key, value, expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._either(lambda store: store.get(key, renew_for))

    async def delete(self, key: str) -> None:
        await self._either(lambda store: store.delete(key))

    async def delete_all(self) -> None:
        await self._either(lambda store: store.delete_all())

    async def exists(self, key: str) -> bool:
        return await self._either(lambda store: store.exists(key))

    async def expires_in(self, key: str) -> int | None:
        return await self._either(lambda store: store.expires_in(key))
