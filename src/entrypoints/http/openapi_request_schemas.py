"""The schemas a client sends: every schema node reachable from the operations' request
bodies (and, when asked, their parameters), through `$ref`s to the components, each
component once. What the document's finishing steps walk to change request schemas only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Document = dict[str, Any]
_REF = "#/components/schemas/"
_SCHEMA_MAPS = ("properties", "$defs")
_SUBSCHEMAS = ("items", "oneOf", "anyOf", "allOf", "additionalProperties", "not")


def request_schemas(
    document: Document, *, parameters: bool, media_types: tuple[str, ...] | None = None
) -> Iterator[Document]:
    """Every schema node of the request bodies (only `media_types` when given) and, with
    `parameters`, of the operations' parameters; a component reached twice is yielded once."""
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            if parameters:
                for parameter in operation.get("parameters", []):
                    yield from _nodes(parameter.get("schema", {}), components, seen)
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if media_types is None or media_type in media_types:
                    yield from _nodes(media.get("schema", {}), components, seen)


def _nodes(schema: Any, components: Document, seen: set[str]) -> Iterator[Document]:
    if isinstance(schema, list):
        for item in schema:
            yield from _nodes(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref.removeprefix(_REF)
        if name not in seen and name in components:
            seen.add(name)
            yield from _nodes(components[name], components, seen)
        return
    yield schema
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for nested in value.values():
                yield from _nodes(nested, components, seen)
        elif key in _SUBSCHEMAS:
            yield from _nodes(value, components, seen)
