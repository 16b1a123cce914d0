"""The rate-limit window in Redis: one atomic count per request, shared by processes."""

from __future__ import annotations

import asyncio
import time
import uuid

from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from entrypoints.http.redis_window import count_in_redis
from tests.integration.workers_support import require_redis


async def test_concurrent_requests_get_distinct_counts_in_one_window() -> None:
    redis = Redis.from_url(require_redis())
    # Two stores on one namespace: two processes' views of the same counters.
    namespace = f"fieldcrm-test:{uuid.uuid4().hex}"
    one, two = RedisStore(redis, namespace=namespace), RedisStore(redis, namespace=namespace)
    now = int(time.time())
    try:
        windows = await asyncio.gather(
            *(count_in_redis(store, "user:1", now, 60) for store in [one, two] * 25)
        )
        assert sorted(w.count for w in windows) == list(range(1, 51))  # none lost or doubled
        assert all(now < w.reset <= now + 60 for w in windows)
        ttl = await redis.ttl(f"{namespace}:user:1")
        assert 0 < ttl <= 60  # set by the window's first request, not pushed back by later ones
        other = await count_in_redis(one, "user:2", now, 60)
        assert other.count == 1  # every key its own window
    finally:
        await redis.delete(f"{namespace}:user:1", f"{namespace}:user:2")
        await redis.aclose()


async def test_a_counter_without_expiry_gets_one() -> None:
    redis = Redis.from_url(require_redis())
    namespace = f"fieldcrm-test:{uuid.uuid4().hex}"
    store = RedisStore(redis, namespace=namespace)
    try:
        await redis.set(f"{namespace}:user:1", 7)  # e.g. written by hand, no expiry
        window = await count_in_redis(store, "user:1", int(time.time()), 60)
        assert window.count == 8
        assert 0 < await redis.ttl(f"{namespace}:user:1") <= 60
    finally:
        await redis.delete(f"{namespace}:user:1")
        await redis.aclose()
