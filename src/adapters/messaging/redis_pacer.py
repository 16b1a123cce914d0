"""The per-sender pace shared by every process through Redis (when REDIS_URL is set).

Each worker process keeping its own pace lets N processes send N times the rate from one
number, and Twilio fails what waits in its per-sender queue past the validity period. Here
the next free start time of each sender lives in Redis: one script reads Redis's clock,
takes the later of it and the stored start, stores that plus the gap and answers how long
to wait — atomic, so two processes never get the same slot. The key is a hash of the
sender (a sending number is not written to Redis). When Redis cannot be reached the send is
paced by this process alone (logged), never refused.
"""

from __future__ import annotations

import hashlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.messaging.paced import Pacer

log = logging.getLogger(__name__)

# KEYS[1]: the sender's next free start (microseconds, Redis's clock); ARGV[1]: the gap
# (microseconds). Returns {start, now}: the slot taken and Redis's clock when it was.
# (replicate_commands: a write after TIME needs effects replication before Redis 5; a no-op
# since, where it is the only mode.)
_RESERVE = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(stored, now)
local after = start + tonumber(ARGV[1])
local keep_ms = math.ceil((after - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', keep_ms)
return {string.format('%.0f', start), string.format('%.0f', now)}
"""


class RedisPacer:
    """Hands out start times `1 / per_second` apart per sender, across every process that
    shares the Redis and the `prefix`; `wait` sleeps until the caller's slot."""

    def __init__(self, redis: Redis, per_second: float, prefix: str, fallback: Pacer) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self._redis = redis
        self._gap_us = round(1_000_000 / per_second)
        self._prefix = prefix
        self._fallback = fallback
        self._script = redis.register_script(_RESERVE)

    def key(self, sender: str) -> str:
        return f"{self._prefix}:pace:{hashlib.blake2b(sender.encode(), digest_size=8).hexdigest()}"

    async def reserve(self, sender: str) -> tuple[int, int]:
        """Take the sender's next slot: (its start, Redis's clock now), in microseconds."""
        start, now = await self._script(keys=[self.key(sender)], args=[self._gap_us])
        return int(start), int(now)

    async def wait(self, sender: str) -> None:
        try:
            start, now = await self.reserve(sender)
        except (RedisError, OSError) as exc:
            log.warning(
                "send pace not shared (Redis: %s); paced in this process", type(exc).__name__
            )
            await self._fallback.wait(sender)
            return
        await self._fallback.sleep_for((start - now) / 1_000_000)
