"""Offline technician ranking: the candidates in their deterministic order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.llm.offline_wording import shorten


def technician_match(g: Mapping[str, Any]) -> dict[str, Any]:
    """The candidates in their deterministic order, explained by their reasons."""
    return {
        "ranking": [
            {
                "technician_id": c["technicianId"],
                "score": c["baseScore"],
                "reason": shorten("; ".join(c["reasons"])),
            }
            for c in g["candidates"]
        ]
    }
