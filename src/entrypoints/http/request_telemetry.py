"""Around every HTTP request: its id bound for the log, one access line, the latency metric.

Wraps the app's ASGI handler (outside routing, so a 404 is seen too). The access line
replaces uvicorn's: method, route template (`/customers/{customer_id:int}`, never the
concrete path with its ids or query), status, latency in ms, user id; the request id is on
it like on every other line of the request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import propagate
from opentelemetry.trace import SpanKind

from entrypoints.http.request_id import request_id
from entrypoints.observability import log_context
from entrypoints.observability.metrics import HTTP_METHODS, observe_http_request
from entrypoints.observability.redaction import NOTHING_TO_REDACT
from entrypoints.observability.tracing import mark_error, span

access_log = logging.getLogger("fieldcrm.access")
UNMATCHED_ROUTE = "<unmatched>"


def route_template(scope: Scope) -> str:
    return scope.get("path_template") or UNMATCHED_ROUTE


def _user_id(scope: Scope) -> int | None:
    user: Any = scope.get("user")
    user_id = getattr(user, "id", None)
    return user_id if isinstance(user_id, int) else None


def _trace_parent(scope: Scope) -> Any:
    """The caller's trace context (a `traceparent` header), if any."""
    if not any(k.lower() == b"traceparent" for k, _ in scope["headers"]):
        return None
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return propagate.extract(headers)


def observe_requests(app: ASGIApp) -> ASGIApp:
    """`app` with request ids bound, an access line and metrics per HTTP request."""

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        status = 500  # a handler that dies before starting a response
        started = time.perf_counter()

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        method = scope["method"]
        with (
            log_context.bound_request(request_id(scope)),
            span(f"HTTP {method}", kind=SpanKind.SERVER, context=_trace_parent(scope)) as current,
        ):
            try:
                await app(scope, receive, recording_send)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope)
                current.update_name(f"{method} {route}")
                current.set_attribute("http.request.method", method)
                current.set_attribute("http.route", route)
                current.set_attribute("http.response.status_code", status)
                if status >= 500:
                    mark_error(current, f"HTTP {status}")
                observe_http_request(method, route, status, seconds)
                access_log.info(
                    "%s %s %s %.1f ms",
                    method,
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "user_id": _user_id(scope),
                        NOTHING_TO_REDACT: method in HTTP_METHODS,  # any other came from the client
                    },
                )

    return observed
