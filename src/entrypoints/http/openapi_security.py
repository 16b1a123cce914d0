"""OpenAPI details Litestar cannot be told per handler: public operations declare
`security: []` (they do not inherit the global bearer requirement), and every documented
429 declares its `Retry-After` header."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
    SecurityRequirement,
)

from entrypoints.http.auth import PUBLIC_PATHS

_PUBLIC = [re.compile(pattern) for pattern in PUBLIC_PATHS]
RETRY_AFTER = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.INTEGER, minimum=1),
    description="Seconds to wait before trying again.",
    required=True,
)


def documented_operation(base: type[Operation], *, public: bool) -> type[Operation]:
    """`base` (the handler's operation class), with `security: []` when `public` and a
    `Retry-After` header on its 429 response."""

    @dataclass
    class DocumentedOperation(base):  # type: ignore[valid-type,misc]
        def __post_init__(self) -> None:
            inherited = getattr(super(), "__post_init__", None)
            if inherited is not None:
                inherited()
            if public:
                no_requirement: list[SecurityRequirement] = []
                self.security = no_requirement
            too_many = (self.responses or {}).get("429")
            if isinstance(too_many, OpenAPIResponse):
                too_many.headers = {**(too_many.headers or {}), "Retry-After": RETRY_AFTER}

    return DocumentedOperation


def document_security(app: Litestar) -> None:
    """Apply `documented_operation` to every route handler of `app`."""
    for route in app.routes:
        public = any(pattern.search(route.path) for pattern in _PUBLIC)
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                handler.operation_class = documented_operation(
                    handler.operation_class, public=public
                )
