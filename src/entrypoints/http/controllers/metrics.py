"""GET /metrics: the Prometheus exposition, for an admin's bearer token only.

Prometheus scrapes with a token it cannot refresh every 15 minutes, so the usual setup is
METRICS_PORT instead: a separate listener (bind it to a private address) without a token;
see docs/operations.md. Left out of the OpenAPI document (it is not JSON).
"""

from __future__ import annotations

import asyncio
import logging

from litestar import Litestar, Response, Router, get

from domain.errors import PermissionDenied
from domain.user import Role
from entrypoints.container import Container
from entrypoints.http.deps import ActorDep
from entrypoints.observability.metrics import exposition
from entrypoints.observability.metrics_listener import start_metrics_listener
from entrypoints.observability.state_metrics import LatestOutbox, OutboxCollector, PoolCollector

log = logging.getLogger(__name__)


def metrics_router(container: Container) -> Router:
    @get("/metrics", include_in_schema=False)
    async def metrics(actor: ActorDep) -> Response[bytes]:
        if actor.role is not Role.ADMIN:
            raise PermissionDenied("only an admin may read /metrics")
        engine = container.engine()
        outbox = await OutboxCollector.read(engine, container.clock().now())
        body, content_type = exposition(outbox, PoolCollector(engine, "api"))
        return Response(body, media_type=content_type)

    return Router(path="/", route_handlers=[metrics])


def serve_metrics_listener(app: Litestar, container: Container) -> None:
    """With METRICS_PORT: the API's own listener (no token; a private address), started with
    the app, and the outbox gauges refreshed for it every HEARTBEAT_SECONDS. Several API
    processes (`--workers N`): the first binds the port and, in multiprocess mode, serves
    every process's counters; the others log that and go on."""
    settings = container.settings().observability
    if settings.metrics_port is None:
        return
    outbox = LatestOutbox()
    tasks: list[asyncio.Task[None]] = []

    async def refresh() -> None:
        while True:
            try:
                await outbox.refresh(container.engine(), container.clock().now())
            except Exception as exc:  # the database is away: the gauges wait
                log.warning("outbox gauges not refreshed: %s", type(exc).__name__)
            await asyncio.sleep(settings.heartbeat_seconds)

    async def start() -> None:
        if start_metrics_listener(settings, PoolCollector(container.engine(), "api"), outbox):
            tasks.append(asyncio.create_task(refresh(), name="outbox-gauges"))

    async def stop() -> None:
        for task in tasks:
            task.cancel()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
