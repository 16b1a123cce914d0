"""RFC 9457 problem details for every error, with per-field messages in camelCase."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from application.llm.errors import LlmError, LlmRateLimited
from domain.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from entrypoints.http.request_id import request_id

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_FIELD_IN_MESSAGE = re.compile(r"`\$\.([A-Za-z0-9_]+)")
_MISSING_FIELD = re.compile(r"missing required field `([A-Za-z0-9_]+)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `([A-Za-z0-9_]+)`")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


# Header parameters are reported under the header's own name.
_HEADERS = {"idempotency_key": "Idempotency-Key"}


def _field_of(item: dict[str, Any]) -> str:
    if "field" in item:  # named by the check that raised it (strict_wire)
        return str(item["field"])
    message = str(item.get("message", ""))
    for pattern in (_MISSING_FIELD, _UNKNOWN_FIELD, _FIELD_IN_MESSAGE):
        match = pattern.search(message)
        if match:
            return match.group(1)
    # Query and path parameters are reported under their Python name (customer_id).
    key = str(item.get("key") or "body")
    return _HEADERS.get(key) or camel(key)


def on_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        {
            "field": _field_of(item),
            "message": str(item.get("message", "")),
        }
        for item in extra
        if isinstance(item, dict)
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(400, detail, errors)


def on_http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    headers = dict(exc.headers or {})
    return problem(exc.status_code, str(exc.detail), headers=headers or None)


def on_domain(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, ValidationFailed):
        errors = [{"field": camel(f), "message": m} for f, m in exc.errors.items()]
        return problem(422, "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    if isinstance(exc, NotFound):
        if exc.field is not None:
            message = f"{exc.entity} {exc.entity_id} does not exist"
            return problem(422, message, [{"field": camel(exc.field), "message": message}])
        return problem(404, str(exc))
    if isinstance(exc, Conflict):
        return problem(409, str(exc))
    if isinstance(exc, PermissionDenied):
        return problem(403, str(exc) or "not allowed")
    return problem(400, str(exc))


def on_llm(_: Request[Any, Any, Any], exc: LlmError) -> Response[Any]:
    if isinstance(exc, LlmRateLimited):
        retry = str(exc.retry_after_seconds or 30)
        return problem(503, f"{exc}; retry later", headers={"Retry-After": retry})
    return problem(502, str(exc))


def on_data_error(_: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    """The database refused a value (out of range, unstorable text): bad input, not a bug
    to hide behind a 500. The driver's message may quote the value, so it is not echoed."""
    log.warning("database refused a value: %s", type(exc.orig).__name__)
    return problem(400, "a value is out of range or cannot be stored")


def on_database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """The connection to the database was lost during the request (server restart, failover,
    a backend terminated): an upstream failure, 503 with Retry-After, not a 500. SQLAlchemy
    has already invalidated the pool, so a retry gets a fresh connection. The request may or
    may not have been applied if the connection died during its commit. Any other database
    error is unexpected (500)."""
    if not exc.connection_invalidated:
        return on_unexpected(request, exc)
    log.warning(
        "database connection lost (request %s): %s", request_id(request.scope), type(exc.orig)
    )
    return problem(
        503, "the database connection was lost; retry the request", headers={"Retry-After": "1"}
    )


def on_pool_timeout(request: Request[Any, Any, Any], exc: PoolTimeout) -> Response[Any]:
    """Every pooled database connection stayed busy for the whole wait (DATABASE_POOL_SIZE
    per process, waited at most DATABASE_CONNECT_TIMEOUT_SECONDS): the server is saturated,
    503 with Retry-After, nothing was done."""
    log.warning("no database connection became free (request %s)", request_id(request.scope))
    return problem(
        503,
        "the server is busy: no database connection became free; retry later",
        headers={"Retry-After": "2"},
    )


def on_bad_encoding(_: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    """A body that is not UTF-8 (msgspec lets the decode error through): the client's fault."""
    return problem(400, f"the body is not valid UTF-8 (byte {exc.start})")


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    rid = request_id(request.scope)
    log.exception("unhandled error (request %s)", rid, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR, f"internal error; it has been logged (request {rid})"
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ValidationException: on_validation,
    HTTPException: on_http,
    DomainError: on_domain,
    LlmError: on_llm,
    DataError: on_data_error,
    DBAPIError: on_database_error,
    PoolTimeout: on_pool_timeout,
    UnicodeDecodeError: on_bad_encoding,
    Exception: on_unexpected,
}
__all__ = ["EXCEPTION_HANDLERS", "MediaType", "camel", "problem"]
