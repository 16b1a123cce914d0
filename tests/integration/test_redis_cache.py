"""RedisCache against a real Redis (FIELDCRM_TEST_REDIS_URL; .ci/run sets it).

Without the variable these tests skip, except under CI=true where they fail loudly.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from redis.asyncio import Redis

from adapters.cache.redis_cache import RedisCache
from tests.integration.fake_openai import closed_port_url
from tests.integration.redis_fixtures import prefix, redis

__all__ = ["prefix", "redis"]  # fixtures


async def test_set_then_get(redis: Redis, prefix: str) -> None:
    cache = RedisCache(redis, prefix=prefix)
    assert await cache.get("llm:a") is None
    await cache.set("llm:a", b'{"answer": 1}', ttl_seconds=60)
    assert await cache.get("llm:a") == b'{"answer": 1}'
    await cache.set("llm:a", b"replaced", ttl_seconds=60)
    assert await cache.get("llm:a") == b"replaced"


async def test_keys_carry_the_prefix_and_the_ttl(redis: Redis, prefix: str) -> None:
    cache = RedisCache(redis, prefix=prefix)
    await cache.set("llm:timeline_summary.v1:m:abc", b"x", ttl_seconds=120)
    assert await redis.get(f"{prefix}llm:timeline_summary.v1:m:abc") == b"x"
    assert 0 < await redis.ttl(f"{prefix}llm:timeline_summary.v1:m:abc") <= 120
    assert await redis.exists("llm:timeline_summary.v1:m:abc") == 0


async def test_two_prefixes_do_not_see_each_other(redis: Redis, prefix: str) -> None:
    await RedisCache(redis, prefix=prefix + "one:").set("k", b"1", ttl_seconds=60)
    assert await RedisCache(redis, prefix=prefix + "two:").get("k") is None
    assert await RedisCache(redis, prefix=prefix + "one:").get("k") == b"1"


async def test_entry_expires_after_its_ttl(redis: Redis, prefix: str) -> None:
    cache = RedisCache(redis, prefix=prefix)
    await cache.set("short", b"soon gone", ttl_seconds=1)
    assert await cache.get("short") == b"soon gone"
    await asyncio.sleep(1.1)
    assert await cache.get("short") is None


async def test_binary_values_round_trip(redis: Redis, prefix: str) -> None:
    cache = RedisCache(redis, prefix=prefix)
    value = bytes(range(256)) + "é€".encode()
    await cache.set("bin", value, ttl_seconds=60)
    assert await cache.get("bin") == value


async def test_redis_outage_degrades_to_a_miss(caplog: pytest.LogCaptureFixture) -> None:
    """No Redis on the port: reads miss and writes are dropped, quickly and without raising."""
    port = closed_port_url().split(":")[2].split("/")[0]
    down = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1, socket_timeout=1)
    cache = RedisCache(down, prefix="fieldcrm-test:")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="adapters.cache.redis_cache"):
        await cache.set("k", b"v", ttl_seconds=60)
        assert await cache.get("k") is None
    assert time.perf_counter() - started < 2.5
    messages = [r.getMessage() for r in caplog.records]
    assert any("cache write failed" in m for m in messages)
    assert any("treating as a miss" in m for m in messages)
    await down.aclose()
