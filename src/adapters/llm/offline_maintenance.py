"""Offline maintenance predictions: the baseline learned from the shop's service history
(Kaplan-Meier per kind and brand, the fixed interval as a prior when thin), as grounded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.llm.offline_wording import shorten


def maintenance(g: Mapping[str, Any]) -> dict[str, Any]:
    """Each appliance's baseline: due date, its 95% window, observations and basis."""
    predictions = []
    for a in g["appliances"]:
        base = a["baseline"]
        predictions.append(
            {
                "appliance_id": a["applianceId"],
                "due_date": base["dueDate"],
                "confidence": base["confidence"],
                "reason": shorten(base["reason"]),
                "due_low": base["dueLow"],
                "due_high": base["dueHigh"],
                "observations": base["observations"],
                "basis": base["basis"],
                "sources": [
                    f"appliance:{a['applianceId']}",
                    *(f"job:{j['id']}" for j in a["serviceJobs"][:5]),
                ],
            }
        )
    return {"predictions": predictions}
