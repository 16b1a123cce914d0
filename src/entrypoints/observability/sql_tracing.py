"""A span per SQL statement (every engine of the process), when tracing is on.

The statement's text (with placeholders, never the parameters) and the database system
are recorded; the span is a child of whatever span is current (a request, an actor).
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Engine

from entrypoints.observability.tracing import tracer

_KEY = "fieldcrm_otel_span"
_installed = False


def _before(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool) -> None:
    operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
    current = tracer().start_span(
        f"db {operation}",
        kind=SpanKind.CLIENT,
        attributes={"db.system": conn.dialect.name, "db.statement": statement[:2000]},
    )
    conn.info.setdefault(_KEY, []).append(current)


def _after(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool) -> None:
    stack = conn.info.get(_KEY)
    if stack:
        stack.pop().end()


def _error(exception_context: Any) -> None:
    connection = exception_context.connection
    stack = connection.info.get(_KEY) if connection is not None else None
    if stack:
        current = stack.pop()
        current.set_status(
            Status(StatusCode.ERROR, type(exception_context.original_exception).__name__)
        )
        current.end()


def trace_sql() -> None:
    """Listen on every Engine (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    event.listen(Engine, "handle_error", _error)
    _installed = True
