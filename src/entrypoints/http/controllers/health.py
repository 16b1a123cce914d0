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

    @get("/health", operation_id="health", summary="Liveness probe")
    async def health(self) -> Status:
        """Liveness: the process answers (no token, no database call)."""
        return Status(status="ok")

    @get("/ready", operation_id="ready", summary="Readiness probe")
    async def ready(self, database_probe: ProbeDep) -> Status:
        """Readiness: the database answers a `SELECT 1`, else 503 (no token needed)."""
        if not await database_probe.ping():
            raise ServiceUnavailableException("database unreachable")
        return Status(status="ready")
