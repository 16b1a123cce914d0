"""Security headers on every response the app sends (hooked in as Litestar's `before_send`).

Runs for every response, routed or not: 2xx, problem documents, 404 on unknown paths, 405,
413, 500. A header the handler set itself is left alone.
"""

from __future__ import annotations

from litestar.types import Message, Scope

# The API serves JSON only: nothing may be loaded, framed or sniffed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The Swagger page under /schema loads its script, styles and images from this server only
# (api_docs.py: the files of the swagger-ui-bundle-v2 package, no inline script); Swagger UI
# sets inline styles and uses data: images. It may not be framed nor send data elsewhere.
DOCS_CSP = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; "
    "script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'"
)
# The reference page under /app (web/dist): its own scripts and styles only, API calls to
# this origin only.
APP_CSP = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"
)
APP_PATH = "/app"
# Sent on every response: browsers ignore it over plain http, and it pins https once seen.
HSTS = "max-age=63072000; includeSubDomains"
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": HSTS,
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    # API answers are per caller (and often personal data): no browser or proxy keeps them.
    "cache-control": "no-store",
}
DOCS_PATH = "/schema"


def csp_for(path: str) -> str:
    """The Content-Security-Policy of a path: the strict one except under /schema and /app."""
    if path == DOCS_PATH or path.startswith(DOCS_PATH + "/"):
        return DOCS_CSP
    if path == APP_PATH or path.startswith(APP_PATH + "/"):
        return APP_CSP
    return API_CSP


_COMMON_RAW = [
    (name.encode("latin-1"), value.encode("latin-1")) for name, value in COMMON_HEADERS.items()
]
_CSP = b"content-security-policy"
_NAMES = frozenset(name for name, _ in _COMMON_RAW) | {_CSP}


def _with_csp(csp: str) -> list[tuple[bytes, bytes]]:
    return [*_COMMON_RAW, (_CSP, csp.encode("latin-1"))]


_API_HEADERS = tuple(_with_csp(API_CSP))


async def add_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook: add the security headers to the start of every HTTP response.
    The names already set are collected once; the missing headers are appended."""
    if message["type"] != "http.response.start":
        return
    headers = message.setdefault("headers", [])
    csp = csp_for(str(scope.get("path", "")))
    if isinstance(headers, list) and not any(bytes(name).lower() in _NAMES for name, _ in headers):
        # The usual case (the handler set none of them): all of them, prepared once.
        headers.extend(_API_HEADERS if csp is API_CSP else _with_csp(csp))
        return
    present = {bytes(name).lower() for name, _ in headers}
    missing = [(name, value) for name, value in _COMMON_RAW if name not in present]
    if _CSP not in present:
        missing.append((_CSP, csp.encode("latin-1")))
    if isinstance(headers, list):
        headers.extend(missing)
    else:
        message["headers"] = [*headers, *missing]
