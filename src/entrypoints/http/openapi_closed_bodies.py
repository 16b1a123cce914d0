"""Request bodies are closed: `additionalProperties: false` on every object schema a request
body uses (directly or nested), as the server refuses unknown fields (`wire.In` sets
`forbid_unknown_fields`: a 400 naming the field). Response schemas stay open, so a client
keeps working when a response gains a field."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]
_PREFIX = "#/components/schemas/"


def _walk(node: Any, schemas: Document, seen: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, schemas, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_PREFIX):
        name = ref.removeprefix(_PREFIX)
        if name not in seen and name in schemas:
            seen.add(name)
            _walk(schemas[name], schemas, seen)
        return
    if node.get("type") == "object" and "properties" in node:
        node["additionalProperties"] = False
    for value in node.values():
        _walk(value, schemas, seen)


def close_request_bodies(document: Document) -> None:
    """Set `additionalProperties: false` on the object schemas of every JSON request body."""
    schemas = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                content = operation["requestBody"].get("content", {})
                _walk(content.get("application/json", {}), schemas, seen)
