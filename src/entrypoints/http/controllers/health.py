"""/health and /ready: liveness and readiness probes (no token needed)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import ServiceUnavailableException

from entrypoints.http.deps import ProbeDep
from entrypoints.http.wire import Out


class Status(Out):
    status: str


class HealthController(Controller):
    tags = ["health"]

    @get("/health", operation_id="health")
    async def health(self) -> Status:
        return Status(status="ok")

    @get("/ready", operation_id="ready")
    async def ready(self, database_probe: ProbeDep) -> Status:
        if not await database_probe.ping():
            raise ServiceUnavailableException("database unreachable")
        return Status(status="ready")
