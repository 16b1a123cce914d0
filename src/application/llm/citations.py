"""The record ids an answer cites: the envelope's `sources` and a stored generation's."""

from __future__ import annotations

from typing import Any

import msgspec

_ID_FIELDS = {"technician_id": "technician", "appliance_id": "appliance"}


def cited_sources(answer: Any) -> tuple[str, ...]:
    """Every `sources` entry and `item_id` in the answer, plus `technician:<id>` and
    `appliance:<id>` for the records it ranks or predicts — once each, in order."""
    found: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    found.update((str(s), None) for s in value)
                elif key == "item_id" and isinstance(value, str):
                    found[value] = None
                elif key in _ID_FIELDS and isinstance(value, int):
                    found[f"{_ID_FIELDS[key]}:{value}"] = None
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(msgspec.to_builtins(answer))
    return tuple(found)
