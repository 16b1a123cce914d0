"""Checks every request passes before its parameters are parsed (Litestar `before_request`).

- A handler taking a JSON body accepts only `application/json` (or `application/*+json`):
  anything else, form data included, is a 415 problem document, so a browser form or a
  `text/plain` "simple request" cannot reach a JSON endpoint.
- No NUL character anywhere in the path, query or body (`nul_guard.reject_nul`): a 400
  naming the field.
- No type coercion (`strict_wire`): the body has exactly the JSON types of the handler's
  body struct, integer and boolean parameters their one written form; else a 400 naming
  the field.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.params import BodyKwarg

from entrypoints.http.nul_guard import reject_nul
from entrypoints.http.strict_wire import reject_loose_body, reject_loose_parameters


def _json_body_type(request: Request[Any, Any, Any]) -> Any:
    """The type of the handler's JSON body, or None when it takes none."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return None
    kwarg = data.kwarg_definition
    media_type = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    return data.annotation if media_type == RequestEncodingType.JSON else None


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
    """415 for a non-JSON body sent to a JSON endpoint; 400 for a NUL character or a value
    not of its documented type."""
    body_type = _json_body_type(request)
    if body_type is not None and _has_body(request):
        content_type = request.headers.get("content-type", "")
        if not _is_json(content_type):
            raise HTTPException(
                status_code=415,
                detail=f"send the body as application/json, not {content_type or 'untyped'}",
            )
    await reject_nul(request)
    reject_loose_parameters(request)
    if body_type is not None and _has_body(request):
        await reject_loose_body(request, body_type)
