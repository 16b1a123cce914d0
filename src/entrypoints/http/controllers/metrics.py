"""GET /metrics: the Prometheus exposition, for an admin's bearer token only.

Prometheus scrapes with a token it cannot refresh every 15 minutes, so the usual setup is
METRICS_PORT instead: a separate listener (bind it to a private address) without a token;
see docs/operations.md. Left out of the OpenAPI document (it is not JSON).
"""

from __future__ import annotations

from litestar import Response, Router, get

from domain.errors import PermissionDenied
from domain.user import Role
from entrypoints.container import Container
from entrypoints.http.deps import ActorDep
from entrypoints.observability.metrics import exposition
from entrypoints.observability.state_metrics import OutboxCollector, PoolCollector


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
