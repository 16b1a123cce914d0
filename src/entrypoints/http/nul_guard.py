"""Requests carrying a NUL character (U+0000) are refused up front with a 400.

PostgreSQL cannot store NUL in text, and no field of this API has a use for it, so a NUL
anywhere in the path, the query string or the body (JSON `\\u0000`, form `%00`) is bad
input: the problem document names the field, and nothing is stored. Runs as the app's
`before_request` hook, after authentication and before the body is decoded.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from entrypoints.http.request_body import declares_no_body

MESSAGE = "must not contain NUL characters"
# `\u0000` preceded by an even number of backslashes: an escaped NUL, not the text "\u0000".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM = "application/x-www-form-urlencoded"


def _json_fields(value: Any, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path}.{key}".lstrip(".") for key in value if "\x00" in str(key)]
        for key, item in value.items():
            found += _json_fields(item, f"{path}.{key}".lstrip("."))
        return found
    if isinstance(value, list):
        return [field for item in value for field in _json_fields(item, path)]
    return []


def _form_fields(raw: str) -> list[str]:
    pairs = parse_qsl(raw, keep_blank_values=True)
    return [key or "body" for key, value in pairs if "\x00" in key + value]


async def _fields_with_nul(request: Request[Any, Any, Any]) -> list[str]:
    fields: list[str] = []
    if "\x00" in request.scope["path"]:
        fields.append("path")
    query = request.scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        fields += _form_fields(query.decode("latin-1")) or ["query"]
    if declares_no_body(request.scope):
        return fields
    body = await request.body()
    if _JSON_NUL.search(body):
        with contextlib.suppress(msgspec.DecodeError):  # not JSON: its decoder reports it
            fields += _json_fields(msgspec.json.decode(body)) or ["body"]
    elif (b"%00" in body or b"\x00" in body) and request.content_type[0] == _FORM:
        fields += _form_fields(body.decode("latin-1")) or ["body"]
    return fields


async def reject_nul(request: Request[Any, Any, Any]) -> None:
    """Raise a 400 naming every field that carries a NUL character."""
    fields = await _fields_with_nul(request)
    if fields:
        errors = [{"key": field, "message": MESSAGE} for field in dict.fromkeys(fields)]
        raise ValidationException(f"{', '.join(dict.fromkeys(fields))}: {MESSAGE}", extra=errors)
