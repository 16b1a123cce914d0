"""Every operation's OpenAPI documents the RFC 9457 problem responses it can answer.

The app answers errors with `application/problem+json` (see `problems.py`); Litestar only
documents its own 400 shape. `document_problems` walks the app's route handlers once, at
start-up, and declares the problem responses each one can produce, from what it is:
authenticated or public, with path parameters, with a body, mutating, rate-limited LLM,
Twilio webhook. Handlers keep any response they document themselves.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from entrypoints.http.auth import PUBLIC_PATHS
from entrypoints.http.problems import PROBLEM_JSON
from entrypoints.http.rate_limits import LlmRateLimitMiddleware
from entrypoints.http.unprocessable_rules import unprocessable_description

_PUBLIC = [re.compile(pattern) for pattern in PUBLIC_PATHS]
_WEBHOOKS = "/webhooks/"
_LOGIN = "/auth/login"  # public, but answers 401 to wrong credentials, 429 after failures
_REFRESH = "/auth/refresh"  # public, but answers 401 to an unusable refresh token
_MUTATIONS = {"POST", "PUT", "PATCH", "DELETE"}
_DESCRIPTIONS = {
    400: "The request is malformed or a parameter or field is invalid (named in `errors`).",
    401: "No valid bearer token, or the user is disabled.",
    403: "The user's role may not do this (webhooks: missing or invalid signature).",
    404: "The resource in the path does not exist (or is not visible to this user).",
    409: "The change conflicts with the current state (duplicate, wrong status, in use).",
    413: "The request body is larger than the server accepts.",
    422: "The request is well formed but breaks a rule that compares it with another field, "
    "another record or the clock (named in `errors`).",
    429: "Too many requests of this kind (LLM, messages) by this user, or too many failed "
    "logins for the username or address; retry after `Retry-After` seconds.",
    502: "The LLM provider failed or answered something unusable.",
    503: "A provider is unavailable or not configured; retry later.",
}
_WEBHOOK_DESCRIPTIONS = {
    403: "Missing or invalid `X-Twilio-Signature`.",
    404: "Twilio is not configured on this server, so its webhooks do not exist.",
}


class ProblemField(msgspec.Struct):
    """One invalid input: the camelCase field (or parameter) name and what is wrong."""

    field: str
    message: str


class ProblemDocument(msgspec.Struct):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None


def _limits(handler: HTTPRouteHandler) -> set[type]:
    """The rate-limit middleware classes in front of `handler`."""
    found = {getattr(middleware, "middleware", None) for middleware in handler.resolve_middleware()}
    return {m for m in found if isinstance(m, type) and issubclass(m, LlmRateLimitMiddleware)}


def problem_statuses(handler: HTTPRouteHandler, path: str) -> list[int]:
    """The problem statuses `handler`, served at `path`, can answer with."""
    statuses = [400, 422]
    webhook = path.startswith(_WEBHOOKS)
    if not any(pattern.search(path) for pattern in _PUBLIC):
        statuses += [401, 403]
    elif path == _LOGIN:
        statuses += [401, 429]
    elif path == _REFRESH:
        statuses.append(401)
    if "{" in path:
        statuses.append(404)
    if _MUTATIONS & set(handler.http_methods):
        statuses += [409, 413]
    if webhook:
        statuses += [403, 404]
    limits = _limits(handler)
    if limits:
        statuses.append(429)  # the LLM limit, or the message-queueing endpoints' own
    if LlmRateLimitMiddleware in limits:
        statuses += [502, 503]
    return sorted(set(statuses))


def _description(handler: HTTPRouteHandler, status: int, webhook: bool) -> str:
    if webhook and status in _WEBHOOK_DESCRIPTIONS:
        return _WEBHOOK_DESCRIPTIONS[status]
    if status == 422:
        return unprocessable_description(handler.operation_id, _DESCRIPTIONS[422])  # type: ignore[arg-type]
    return _DESCRIPTIONS[status]


def document_problems(app: Litestar) -> None:
    """Declare the problem responses of every route handler of `app` in its OpenAPI."""
    for route in app.routes:
        webhook = route.path.startswith(_WEBHOOKS)
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            responses: dict[int, Any] = {
                status: ResponseSpec(
                    data_container=ProblemDocument,
                    media_type=PROBLEM_JSON,
                    description=_description(handler, status, webhook),
                    generate_examples=False,
                )
                for status in problem_statuses(handler, route.path)
            }
            handler.responses = {**responses, **(handler.responses or {})}
