"""AnswerSpec from a msgspec Struct: its JSON Schema and a strict decoder."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from application.llm.errors import LlmInvalidReply
from application.ports.llm import AnswerSpec

T = TypeVar("T")


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """Resolve `$defs` references: providers' structured output wants one self-contained schema."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


def _strict(node: Any) -> Any:
    """Structured-output strict mode: every property required, no additional properties
    (so no `default` either: strict mode does not take the keyword)."""
    if isinstance(node, dict):
        node = {
            k: {name: _strict(p) for name, p in v.items()} if k == "properties" else _strict(v)
            for k, v in node.items()
            if k != "default"
        }
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def spec_for(answer_type: type[T]) -> AnswerSpec[T]:
    decoder = msgspec.json.Decoder(answer_type)

    def decode(raw: bytes) -> T:
        try:
            return decoder.decode(raw)
        except msgspec.ValidationError as exc:
            raise LlmInvalidReply(f"reply does not match the schema: {exc}") from exc
        except msgspec.DecodeError as exc:
            raise LlmInvalidReply(f"reply is not valid JSON: {exc}") from exc

    name = getattr(answer_type, "__name__", "answer")
    return AnswerSpec(
        name=name, schema=_strict(_inline(msgspec.json.schema(answer_type))), decode=decode
    )
