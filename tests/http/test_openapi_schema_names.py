"""OpenAPI schema names and enums: plain type names, and an enum wherever the type has one.

The expectation comes from the Python types: every request body and response of every route
is walked with `msgspec.inspect` next to its schema in the document, so a field typed with an
Enum (nested or not) must be an enum in the schema at the same place.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import msgspec.inspect as mi
import pytest
from litestar import Litestar, Response
from litestar.routes import HTTPRoute

Schema = dict[str, Any]
MODULE_PATH = re.compile(r"(^|_)(application|entrypoints|adapters|domain)[._]")
JSON = "application/json"


@pytest.fixture
def document(app: Litestar) -> Schema:
    """The document the app serves at /schema/openapi.json."""
    schema: Schema = app.openapi_schema.to_schema()
    return schema


def _resolve(document: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type_info(annotation: Any) -> mi.Type | None:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is Response:  # Response[T] documents T
        annotation = typing.get_args(annotation)[0]
    try:
        return mi.type_info(annotation)
    except (TypeError, ValueError):  # not a msgspec type (a Response, None...)
        return None


def _bodies(app: Litestar, document: Schema) -> Iterator[tuple[str, mi.Type, Schema]]:
    """(where, type, schema) of every JSON request body and response body in the document."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = document["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                where = f"{method} {route.path_format}"
                signature = handler.parsed_fn_signature
                returned = _type_info(signature.return_type.annotation)
                response = operation["responses"].get(str(handler.status_code), {})
                if returned is not None and JSON in response.get("content", {}):
                    yield f"{where} response", returned, response["content"][JSON]["schema"]
                data = signature.parameters.get("data")
                body = operation.get("requestBody", {}).get("content", {}).get(JSON)
                if data is not None and body is not None:
                    sent = _type_info(data.annotation)
                    if sent is not None:
                        yield f"{where} body", sent, body["schema"]


def _members(document: Schema, schema: Schema) -> list[Schema]:
    schema = _resolve(document, schema)
    members = schema.get("oneOf") or schema.get("anyOf")
    if members is None:
        return [schema]
    return [_resolve(document, m) for m in members if _resolve(document, m).get("type") != "null"]


def _enum_fields(
    document: Schema, info: mi.Type, schema: Schema, where: str, seen: set[str]
) -> Iterator[tuple[str, bool]]:
    """(place, is an enum in the schema) for every Enum-typed value under `info`."""
    if isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.UnionType):
        types = [t for t in info.types if not isinstance(t, mi.NoneType)]
        members = _members(document, schema)
        if len(types) == 1 and len(members) == 1:
            yield from _enum_fields(document, types[0], members[0], where, seen)
        return
    schema = _resolve(document, schema)
    if isinstance(info, mi.EnumType):
        yield where, "enum" in schema
    elif isinstance(info, mi.StructType):
        name = info.cls.__name__
        if where in seen:
            return
        seen.add(where)
        for field in info.fields:
            prop = schema.get("properties", {}).get(field.encode_name)
            assert prop is not None, f"{where}: {name}.{field.encode_name} is not in the schema"
            yield from _enum_fields(document, field.type, prop, f"{name}.{field.encode_name}", seen)
    elif isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        yield from _enum_fields(document, info.item_type, schema.get("items", {}), where, seen)
    elif isinstance(info, mi.DictType):
        values = schema.get("additionalProperties", {})
        yield from _enum_fields(document, info.value_type, values, where, seen)


async def test_no_schema_name_is_a_module_path(document: Schema) -> None:
    names = list(document["components"]["schemas"])
    pathlike = [name for name in names if "." in name or MODULE_PATH.search(name)]
    assert names and pathlike == []
    # Pages are concrete types named after their items (JobPage), not PageOut[...].
    assert not [name for name in names if name.startswith("PageOut")]
    assert {"JobPage", "CustomerPage", "PaymentPage"} <= set(names)


async def test_every_enum_typed_field_is_an_enum_in_the_schema(
    app: Litestar, document: Schema
) -> None:
    found: dict[str, bool] = {}
    bodies = list(_bodies(app, document))
    assert len(bodies) > 40  # every operation with a JSON body was reached
    for where, info, schema in bodies:
        for place, is_enum in _enum_fields(document, info, schema, where, set()):
            found[place] = found.get(place, True) and is_enum
    not_enums = sorted(place for place, is_enum in found.items() if not is_enum)
    assert not_enums == []
    # The walk reaches nested read-model fields (the Customer View's items), not only the
    # top level: these were plain strings before.
    assert {"JobItem.status", "FollowUpItem.status", "PaymentItem.paymentMethod"} <= set(found)
    assert "CustomerView.preferredContactMethod" in found
