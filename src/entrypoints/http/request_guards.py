"""Checks every request passes before its parameters are parsed (Litestar `before_request`).

- A handler taking a JSON body accepts only `application/json` (or `application/*+json`):
  anything else, form data included, is a 415 problem document, so a browser form or a
  `text/plain` "simple request" cannot reach a JSON endpoint.
- No NUL character anywhere in the path, query or body (`nul_guard.reject_nul`): a 400
  naming the field.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.params import BodyKwarg

from entrypoints.http.nul_guard import reject_nul


def _takes_json_body(request: Request[Any, Any, Any]) -> bool:
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return False
    kwarg = data.kwarg_definition
    media_type = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    return media_type == RequestEncodingType.JSON


def _has_body(request: Request[Any, Any, Any]) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in request.headers


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def guard_request(request: Request[Any, Any, Any]) -> None:
    """415 for a non-JSON body sent to a JSON endpoint; 400 for a NUL character."""
    if _takes_json_body(request) and _has_body(request):
        content_type = request.headers.get("content-type", "")
        if not _is_json(content_type):
            raise HTTPException(
                status_code=415,
                detail=f"send the body as application/json, not {content_type or 'untyped'}",
            )
    await reject_nul(request)
