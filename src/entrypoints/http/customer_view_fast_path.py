"""GET /customers/{id} for staff, answered in front of Litestar's router.

The Customer View is the screen's hottest request, and most of its cost was the framework
around one statement: routing, the middleware chain, the signature model, dependency
resolution and response objects (~0.2 ms of ~0.6 ms of the server's CPU per small view).
This ASGI wrapper answers the one common case itself and hands everything else to the app
untouched, so every other answer (401, 403, 404, 400, 503, technicians' views) is the
app's own:

- GET (not HEAD), path `/customers/<id>` with the id in its one written form (1 to
  2^31-1, no sign, no leading zero), no query string, no body declared (`request_body`),
  no `Origin` header (CORS stays the app's);
- a bearer token that Litestar's own JWT middleware (the app's instance: same secret,
  claims, memo and active-user cache) accepts, for a staff user (a technician's view is
  the read-model path);
- the view exists and the use case (`view_customer_for_screen`) returns it without error.

It runs inside the app's ASGI handler: the telemetry wrapper (access line, metrics, span)
is around it and the app's `before_send` hooks (security headers, request id) are on its
`send`, as for any route. The answer is the same bytes and headers as the route's
(tests/http/test_customer_view_fast_path.py compares both, with the fast path on and off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import DefineMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

from application.access import Actor, limited_to_own_work
from application.customer_reads import view_customer_for_screen
from application.ports.read_queries import CustomerViewQuery
from application.ports.unit_of_work import UnitOfWork
from domain.user import User
from entrypoints.http.customer_view_body import customer_view_body
from entrypoints.http.request_body import declares_no_body
from entrypoints.observability.log_context import set_user_id

ROUTE = "/customers/{customer_id}"
_PATH = re.compile(r"/customers/([1-9][0-9]{0,9})")
_MAX_ID = 2**31 - 1


def _plain_get(scope: Any) -> int | None:
    """The customer id when the request is exactly the common case, else None."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string"):
        return None
    matched = _PATH.fullmatch(scope["path"])
    if matched is None:
        return None
    customer_id = int(matched.group(1))
    if customer_id > _MAX_ID:
        return None
    if not declares_no_body(scope) or any(name == b"origin" for name, _ in scope["headers"]):
        return None
    return customer_id


def customer_view_fast_path(
    app: ASGIApp,
    jwt_middleware: DefineMiddleware,
    uow: Callable[[], UnitOfWork],
    query: Callable[[], CustomerViewQuery],
    cap: int,
) -> ASGIApp:
    """`app` with staff's plain GET /customers/{id} answered before routing."""
    authenticator: Any = jwt_middleware(app)

    async def fast(scope: Scope, receive: Receive, send: Send) -> None:
        customer_id = _plain_get(scope)
        if customer_id is None:
            await app(scope, receive, send)
            return
        body = await _staff_view(scope, customer_id)
        if body is None:
            await app(scope, receive, send)
            return
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        await send(start)
        whole: HTTPResponseBodyEvent = {
            "type": "http.response.body",
            "body": body,
            "more_body": False,
        }
        await send(whole)

    async def _staff_view(scope: Any, customer_id: int) -> bytes | None:
        """The body for a staff user, or None when the app should answer instead."""
        try:
            authenticated = await authenticator.authenticate_request(ASGIConnection(scope))
        except Exception:  # no, bad or expired token, inactive user: the app's 401
            return None
        user = authenticated.user
        if not isinstance(user, User):
            return None
        actor = Actor.of(user)
        if limited_to_own_work(actor):
            return None
        try:
            answer = await view_customer_for_screen(actor, uow(), query(), customer_id, cap)
        except Exception:  # not found, not allowed, the database: the app answers
            return None
        scope["user"], scope["auth"] = user, authenticated.auth  # as the app's middleware
        scope["path_params"] = {"customer_id": customer_id}
        scope["path_template"] = ROUTE  # the access line's and metrics' route
        set_user_id(user.id)
        return customer_view_body(answer)

    return fast
