"""Grounding data: canonical bytes, their hash, and fenced data blocks for prompts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder(order="sorted")


def canonical(data: Any) -> bytes:
    """Deterministic JSON of the grounding data (sorted keys), the basis of the cache key."""
    return _ENCODER.encode(data)


def fingerprint(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def data_block(label: str, data: Any) -> str:
    """Customer records as an inert JSON block the model is told to treat as data only.

    `<` is escaped inside the JSON, so text in a review can never close the fence.
    """
    body = canonical(data).decode().replace("<", "\\u003c")
    return f"<<<DATA {label}>>>\n{body}\n<<<END DATA {label}>>>"


def blocks(sections: Mapping[str, Any]) -> str:
    return "\n\n".join(data_block(label, data) for label, data in sections.items())


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_keys(value: Any) -> Any:
    """JSON data with every object key in camelCase (the wire and the prompts use it)."""
    if isinstance(value, dict):
        return {_camel(key): camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value


def record(struct: msgspec.Struct) -> dict[str, Any]:
    """A read-model struct as prompt data, with the camelCase keys every grounding uses."""
    document: dict[str, Any] = camel_keys(msgspec.to_builtins(struct))
    return document
