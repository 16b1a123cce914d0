"""A rate-limit window counted in Redis in one round trip, atomically across processes.

Reading the window, adding one and writing it back (what a store's `get` and `set` allow)
costs two round trips, and two processes reading the same count at once both let a request
through. With Redis the window is a counter instead: `INCR` and, for the window's first
request, `EXPIRE` (NX: only when the key has no expiry yet), and `TTL`, sent together in one
MULTI/EXEC. The key is the one the store would use (its namespace, then the middleware's
key); its value is the count as a plain integer.
"""

from __future__ import annotations

from litestar.stores.redis import RedisStore

from entrypoints.http.rate_window import RateWindow


async def count_in_redis(store: RedisStore, key: str, now: int, seconds: int) -> RateWindow:
    """Count one request in the window of `key`; returns the window including it (its
    count may exceed the limit: the caller refuses the request then)."""
    name = store._make_key(key)
    async with store._redis.pipeline(transaction=True) as pipe:
        pipe.incr(name)
        pipe.expire(name, seconds, nx=True)
        pipe.ttl(name)
        count, _, ttl = await pipe.execute()
    if ttl < 0:  # no expiry (a key written otherwise): start its window now
        await store._redis.expire(name, seconds)
        ttl = seconds
    return RateWindow(int(count), now + int(ttl))
