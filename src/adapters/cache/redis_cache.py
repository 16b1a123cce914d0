"""Redis cache (when REDIS_URL is set): shared by every process, expiry by Redis itself."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class RedisCache:
    """A Redis outage degrades to cache misses (logged), never to failed requests.

    Give the client short socket timeouts (the container does): a Redis that stops answering
    then costs each request that long, not the operating system's connect timeout.
    """

    def __init__(self, redis: Redis, prefix: str = "fieldcrm:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except (RedisError, OSError) as exc:
            log.warning("cache read failed, treating as a miss: %s", type(exc).__name__)
            return None
        if value is None:
            return None
        return value.encode() if isinstance(value, str) else bytes(value)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        try:
            await self._redis.set(self._prefix + key, value, ex=ttl_seconds)
        except (RedisError, OSError) as exc:
            log.warning("cache write failed, answer not cached: %s", type(exc).__name__)
