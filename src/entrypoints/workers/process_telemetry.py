"""The worker's and the scheduler's heartbeat and metrics listener (METRICS_PORT)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import redis

from entrypoints.container import Container
from entrypoints.observability.heartbeat import HeartbeatThread, beat, stop_beating
from entrypoints.observability.metrics_listener import start_metrics_listener
from entrypoints.observability.state_metrics import LatestOutbox, PoolCollector
from entrypoints.settings import Settings

log = logging.getLogger(__name__)


def _redis(settings: Settings) -> redis.Redis:
    assert settings.redis_url is not None
    return redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)


def start_worker_telemetry(settings: Settings, container: Container) -> Callable[[], None]:
    """Start the worker's heartbeat thread (and metrics listener); returns the stopper."""
    obs = settings.observability
    start_metrics_listener(obs, PoolCollector(container.engine(), "worker"))
    client = _redis(settings)
    heartbeat = HeartbeatThread(
        client,
        settings.workers.redis_namespace,
        "worker",
        obs.heartbeat_seconds,
        obs.heartbeat_stale_seconds,
    )
    heartbeat.start()

    def stop() -> None:
        heartbeat.stop()
        client.close()

    return stop


@contextlib.asynccontextmanager
async def scheduler_telemetry(settings: Settings, container: Container) -> AsyncIterator[None]:
    """While the scheduler runs: its heartbeat from its event loop, and (with METRICS_PORT)
    the outbox gauges refreshed for the listener."""
    obs = settings.observability
    namespace = settings.workers.redis_namespace
    outbox = LatestOutbox()
    listening = start_metrics_listener(obs, PoolCollector(container.engine(), "scheduler"), outbox)
    client = _redis(settings)

    async def keep_beating() -> None:
        while True:
            try:
                await asyncio.to_thread(
                    beat, client, namespace, "scheduler", obs.heartbeat_stale_seconds
                )
            except redis.RedisError as exc:
                log.warning("scheduler heartbeat not written: %s", type(exc).__name__)
            if listening:
                try:
                    await outbox.refresh(container.engine(), container.clock().now())
                except Exception as exc:  # the database is away: the gauges wait
                    log.warning("outbox gauges not refreshed: %s", type(exc).__name__)
            await asyncio.sleep(obs.heartbeat_seconds)

    task = asyncio.create_task(keep_beating(), name="scheduler-heartbeat")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(redis.RedisError):
            await asyncio.to_thread(stop_beating, client, namespace, "scheduler")
        client.close()
