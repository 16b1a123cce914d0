"""The request id: every response carries `X-Request-ID` (hooked in as `before_send`).

A client (or a proxy in front) may send its own `X-Request-ID` to correlate a request with
its logs; a sane one (1-128 characters: letters, digits, `.` `_` `:` `-`) is echoed back,
anything else is replaced by a fresh random id, so a header cannot smuggle text into logs.
"""

from __future__ import annotations

import re
from os import urandom

from litestar.types import Message, Scope

REQUEST_ID_HEADER = "X-Request-ID"
SCOPE_KEY = "fieldcrm.request_id"
_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id(scope: Scope) -> str:
    """This request's id: the client's sane `X-Request-ID`, else a new random one; the same
    for the whole request (kept in the ASGI scope)."""
    known = scope.get(SCOPE_KEY)
    if isinstance(known, str):
        return known
    incoming = ""
    for name, value in scope.get("headers", []):
        if name.lower() == b"x-request-id":
            incoming = value.decode("latin-1").strip()
            break
    # 128 random bits as 32 hex digits (a uuid4's .hex, without building the UUID object)
    chosen = incoming if _SANE.match(incoming) else urandom(16).hex()
    scope[SCOPE_KEY] = chosen  # type: ignore[literal-required]
    return chosen


async def add_request_id(message: Message, scope: Scope) -> None:
    """`before_send` hook: `X-Request-ID` on the start of every HTTP response."""
    if message["type"] != "http.response.start":
        return
    value = request_id(scope).encode("latin-1")  # a sane id or hex digits: always latin-1
    headers = message.setdefault("headers", [])
    if not isinstance(headers, list):
        headers = message["headers"] = list(headers)
    if any(bytes(name).lower() == _NAME for name, _ in headers):  # one set before: replaced
        headers[:] = [(name, v) for name, v in headers if bytes(name).lower() != _NAME]
    headers.append((_NAME, value))
