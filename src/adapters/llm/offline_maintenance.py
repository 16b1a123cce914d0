"""Offline maintenance predictions: the domain's service interval per appliance kind."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from adapters.llm.offline_wording import shorten
from domain.maintenance_interval import estimate_due


def maintenance(g: Mapping[str, Any]) -> dict[str, Any]:
    """The domain's service interval per appliance kind, from the last service (else the
    installation date)."""
    today = date.fromisoformat(g["today"])
    predictions = []
    for a in g["appliances"]:
        estimate = estimate_due(
            a["type"],
            date.fromisoformat(a["installedOn"]) if a["installedOn"] else None,
            date.fromisoformat(a["lastServiceDate"]) if a["lastServiceDate"] else None,
            today,
        )
        predictions.append(
            {
                "appliance_id": a["applianceId"],
                "due_date": estimate.due.isoformat(),
                "confidence": estimate.confidence,
                "reason": shorten(estimate.reason),
                "sources": [
                    f"appliance:{a['applianceId']}",
                    *(f"job:{j['id']}" for j in a["serviceJobs"][:5]),
                ],
            }
        )
    return {"predictions": predictions}
