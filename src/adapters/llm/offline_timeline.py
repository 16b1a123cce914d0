"""Offline timeline summary: counts, money and the latest job from the customer's records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def timeline_summary(g: Mapping[str, Any]) -> dict[str, Any]:
    customer, jobs, fin = g["customer"], g["jobs"], g["financials"]
    completed = [j for j in jobs if j["status"] == "COMPLETED"]
    counts = g.get("counts", {})
    parts = [
        f"{customer['name']} has been a customer since {customer['customerSince']}.",
        f"The shop has {counts.get('jobs', len(jobs))} job(s) on record for them, "
        f"{len(completed)} of the {len(jobs)} most recent completed.",
        f"They have paid {fin['revenue']} {fin['currency']} against {fin['expenses']} "
        f"{fin['currency']} of related expenses (net {fin['net']} {fin['currency']}).",
    ]
    if jobs:
        latest = jobs[0]
        parts.append(
            f"The latest job (#{latest['id']}, {latest['status'].lower()}) was: "
            f"{latest['description']}."
        )
    ratings = [r["rating"] for r in g.get("reviews", [])]
    if ratings:
        parts.append(f"Average review rating: {sum(ratings) / len(ratings):.1f} of 5.")
    highlights = [f"Job #{j['id']}: {j['description']}" for j in jobs[:3]]
    sources = [f"customer:{customer['id']}", *(f"job:{j['id']}" for j in jobs[:10])]
    return {"summary": " ".join(parts), "highlights": highlights, "sources": sources}
