"""The heartbeat `fieldcrm health` reads: fresh, stale, missing, on this host or any."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from entrypoints.observability.heartbeat import beat, check, heartbeat_key, stop_beating
from tests.integration.workers_support import delete_namespace, require_redis, unique_namespace


@pytest.fixture
def client() -> Iterator[tuple[redis.Redis, str]]:
    url = require_redis()
    namespace = unique_namespace()
    connection = redis.Redis.from_url(url)
    yield connection, namespace
    connection.close()
    delete_namespace(url, namespace)


def test_a_fresh_beat_is_healthy_and_a_stopped_one_is_not(client) -> None:
    connection, namespace = client
    assert not check(connection, namespace, "worker", 60, anywhere=False).healthy
    beat(connection, namespace, "worker", ttl_seconds=60)
    health = check(connection, namespace, "worker", 60, anywhere=False)
    assert health.healthy and "1 alive" in health.detail
    assert not check(connection, namespace, "scheduler", 60, anywhere=True).healthy
    stop_beating(connection, namespace, "worker")
    assert "no heartbeat" in check(connection, namespace, "worker", 60, anywhere=False).detail


def test_an_old_beat_is_stale_and_another_hosts_counts_only_anywhere(client) -> None:
    connection, namespace = client
    connection.set(heartbeat_key(namespace, "scheduler"), f"{time.time() - 300:.3f}", ex=600)
    stale = check(connection, namespace, "scheduler", 60, anywhere=False)
    assert not stale.healthy and "stale" in stale.detail
    connection.set(f"{namespace}:heartbeat:scheduler:other-host:1", f"{time.time():.3f}", ex=60)
    assert not check(connection, namespace, "scheduler", 60, anywhere=False).healthy
    assert check(connection, namespace, "scheduler", 60, anywhere=True).healthy
