"""Whether a request can carry a body, from its framing alone (no read)."""

from __future__ import annotations

from typing import Any

_BODY_HEADERS = (b"content-length", b"transfer-encoding")


def declares_no_body(scope: Any) -> bool:
    """An HTTP/1.x request with neither Content-Length nor Transfer-Encoding has no body
    (RFC 9112 section 6.3): there is nothing to read or search. Other versions may carry
    one without either header."""
    if scope.get("http_version") not in ("1.0", "1.1"):
        return False
    return not any(name.lower() in _BODY_HEADERS for name, _ in scope["headers"])
