"""A read-model struct as a SQL JSON object: its keys are the struct's field names."""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any

import msgspec

from adapters.sqlalchemy.json_sql import JsonSql


def _is(annotation: Any, kind: type) -> bool:
    """Whether `annotation` is `kind` or an optional `kind`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is(arg, kind) for arg in typing.get_args(annotation))
    return annotation is kind


def struct_json(
    js: JsonSql,
    struct_type: type[msgspec.Struct],
    columns: Any,
    *,
    leave_out: frozenset[str] = frozenset(),
    **computed: Any,
) -> Any:
    """`json_object` of every field of `struct_type` but those in `leave_out`: a `computed`
    expression when given, else the column of the same name (timestamps as RFC 3339 text,
    booleans as JSON booleans)."""
    fields: dict[str, Any] = {}
    for field in msgspec.structs.fields(struct_type):
        if field.name in leave_out:
            continue
        if field.name in computed:
            fields[field.name] = computed[field.name]
        elif _is(field.type, datetime):
            fields[field.name] = js.ts(columns[field.name])
        elif _is(field.type, bool):
            fields[field.name] = js.boolean(columns[field.name])
        else:
            fields[field.name] = columns[field.name]
    return js.obj(**fields)
