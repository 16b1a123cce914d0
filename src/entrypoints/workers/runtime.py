"""Running the workers and the scheduler: as their own processes, or inside `fieldcrm serve`."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from typing import Any

import dramatiq
from dependency_injector import providers

from adapters.send_queue import DramatiqSendQueue
from entrypoints.container import Container, build_container
from entrypoints.settings import Settings
from entrypoints.workers.actors import Actors, declare_actors
from entrypoints.workers.broker import broker_from_settings, build_broker
from entrypoints.workers.container_middleware import WorkerContainer
from entrypoints.workers.process_telemetry import scheduler_telemetry, start_worker_telemetry
from entrypoints.workers.scheduler import PeriodicScheduler, actor_enqueue, scheduled_jobs

log = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def start_worker(
    broker: dramatiq.Broker,
    container: Container,
    threads: int,
    functions: dict[str, Any] | None = None,
) -> tuple[dramatiq.Worker, Actors]:
    """Bind the actors to `broker`, give them `container`, start a Dramatiq Worker.

    `functions` replaces actor functions by name (tests' stand-ins)."""
    WorkerContainer.install(broker, container)
    actors = declare_actors(broker, functions)
    connect_send_queue(container, actors)
    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    return worker, actors


def connect_send_queue(container: Container, actors: Actors) -> None:
    """Messages that `container`'s units of work queue for now are sent at once, through
    the `send_message` actor on the actors' broker (the poll stays the safety net)."""
    container.send_queue.override(providers.Object(DramatiqSendQueue(actors["send_message"])))


def run_worker(settings: Settings, container: Container | None = None) -> None:
    """`fieldcrm worker`: consume the Redis queues until SIGTERM or SIGINT."""
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set")
    broker = broker_from_settings(settings)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    container = container or build_container(settings)
    worker, _ = start_worker(broker, container, settings.workers.threads)
    stop_telemetry = start_worker_telemetry(settings, container)
    log.info(
        "worker started: %d threads on %s (namespace %r)",
        settings.workers.threads,
        _redacted(settings.redis_url),
        settings.workers.redis_namespace,
    )
    try:
        stop.wait()
    finally:
        log.info("worker stopping: finishing the messages under way")
        stop_telemetry()
        worker.stop()
        broker.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


async def run_scheduler(settings: Settings, container: Container | None = None) -> None:
    """`fieldcrm scheduler`: fire the schedule, enqueueing into Redis, until SIGTERM/SIGINT."""
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set")
    container = container or build_container(settings)
    broker = broker_from_settings(settings)
    scheduler = PeriodicScheduler(
        scheduled_jobs(settings.schedule),
        container.period_claims(),
        container.clock(),
        actor_enqueue(declare_actors(broker)),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    scheduler.start()
    try:
        async with scheduler_telemetry(settings, container):
            await stop.wait()
    finally:
        log.info("scheduler stopping")
        await scheduler.stop()
        await container.engine().dispose()
        broker.close()


class SendQueueOverRedis:
    """`fieldcrm serve` with REDIS_URL: messages its requests queue for now reach the
    `fieldcrm worker` processes at once through Redis (no worker runs in this process)."""

    def __init__(self, settings: Settings, container: Container) -> None:
        self._settings = settings
        self._container = container
        self._broker: dramatiq.Broker | None = None

    async def start(self) -> None:
        self._broker = broker_from_settings(self._settings)
        connect_send_queue(self._container, declare_actors(self._broker))

    async def stop(self) -> None:
        self._container.send_queue.reset_override()
        if self._broker is not None:
            self._broker.close()


class EmbeddedWorkers:
    """The no-Redis default: a scheduler and a one-thread worker inside `fieldcrm serve`.

    The broker is Dramatiq's in-process StubBroker. The worker's actors get a container of
    their own (their event loop is the worker's, not the server's); the scheduler runs on
    the server's event loop with the server's container.
    """

    def __init__(self, settings: Settings, container: Container) -> None:
        self._settings = settings
        self._container = container
        self._worker: dramatiq.Worker | None = None
        self._broker: dramatiq.Broker | None = None
        self._scheduler: PeriodicScheduler | None = None

    async def start(self) -> None:
        broker = build_broker(None, self._settings.workers)
        worker, actors = start_worker(broker, build_container(self._settings), threads=1)
        self._broker, self._worker = broker, worker
        connect_send_queue(self._container, actors)
        self._scheduler = PeriodicScheduler(
            scheduled_jobs(self._settings.schedule),
            self._container.period_claims(),
            self._container.clock(),
            actor_enqueue(actors),
        )
        self._scheduler.start()
        log.info("embedded scheduler and worker started (no REDIS_URL: in-process broker)")

    async def stop(self) -> None:
        self._container.send_queue.reset_override()
        if self._scheduler is not None:
            await self._scheduler.stop()
        if self._worker is not None:
            await asyncio.to_thread(self._worker.stop)
        if self._broker is not None:
            self._broker.close()


def _redacted(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
