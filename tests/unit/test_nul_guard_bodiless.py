"""The NUL check skips reading the body of an HTTP/1.x request that declares none (no
Content-Length, no Transfer-Encoding) and finds the same fields as when it reads it."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, Request, get

from entrypoints.http.nul_guard import _fields_with_nul
from entrypoints.http.request_body import declares_no_body


@get("/customers", sync_to_thread=False)
def customers() -> None:
    """A route for the requests below (reading a body asks the handler for its size limit)."""


APP = Litestar([customers])


def _request(
    path: str, query: bytes, http_version: str, headers: list[Any]
) -> tuple[Request[Any, Any, Any], list[bool]]:
    """A request and the list of the times its body was received."""
    received: list[bool] = []

    async def receive() -> Any:
        received.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    scope: Any = {
        "type": "http",
        "http_version": http_version,
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": headers,
        "app": APP,
        "route_handler": customers,
    }
    return Request(scope, receive), received


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/customers/1", b""),
        ("/customers/1\x00", b""),
        ("/customers", b"q=a%00b&limit=5"),
        ("/customers\x00", b"%00=x"),
        ("/customers", b"q=\x00"),
    ],
)
async def test_a_bodiless_request_finds_what_reading_its_empty_body_finds(
    path: str, query: bytes
) -> None:
    skipping, skipped_reads = _request(path, query, "1.1", [(b"host", b"x")])
    reading, reads = _request(path, query, "2", [(b"host", b"x")])  # HTTP/2: read the body
    assert declares_no_body(skipping.scope) and not declares_no_body(reading.scope)
    assert await _fields_with_nul(skipping) == await _fields_with_nul(reading)
    assert (skipped_reads, reads) == ([], [True])


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-length", b"0")],
        [(b"Content-Length", b"12")],
        [(b"transfer-encoding", b"chunked")],
    ],
)
def test_a_request_that_declares_a_body_is_read(headers: list[Any]) -> None:
    request, _ = _request("/customers", b"", "1.1", headers)
    assert not declares_no_body(request.scope)
