"""A real Redis for the integration tests (FIELDCRM_TEST_REDIS_URL; .ci/run sets it):
`redis`, a client (skips without the variable, fails under CI=true or when unreachable),
and `prefix`, a key prefix of the test's own whose keys are deleted afterwards. Import
both into the test module that uses them."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

REDIS_URL = os.environ.get("FIELDCRM_TEST_REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("CI=true but FIELDCRM_TEST_REDIS_URL is not set: Redis tests cannot run")
        pytest.skip("FIELDCRM_TEST_REDIS_URL is not set")
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    except OSError as exc:  # redis.ConnectionError is an OSError too
        await client.aclose()
        pytest.fail(f"Redis at FIELDCRM_TEST_REDIS_URL={REDIS_URL} is unreachable: {exc}")
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    """A prefix no other test (or run) uses; its keys are deleted afterwards."""
    unique = f"fieldcrm-test:{uuid.uuid4().hex}:"
    yield unique
    keys = [key async for key in redis.scan_iter(match=f"{unique}*")]
    if keys:
        await redis.delete(*keys)
