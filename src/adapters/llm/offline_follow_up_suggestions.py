"""Offline follow-up suggestions: low ratings, open follow-ups, unreviewed and upcoming jobs,
appliances due for service, most urgent first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from adapters.llm.offline_wording import shorten

PRIORITY_FIRST = ("PHONE", "EMAIL", "SMS", "WHATSAPP")


def followup_suggestions(g: Mapping[str, Any]) -> dict[str, Any]:
    customer, contact = g["customer"], g["contact"]
    today = date.fromisoformat(g["today"])
    reachable = contact["reachableChannels"]
    channel = contact["preferredContactMethod"] or next(
        (c for c in PRIORITY_FIRST if c in reachable), "PHONE"
    )
    soon = f"{today.isoformat()}T10:00:00"
    later = f"{(today + timedelta(days=1)).isoformat()}T10:00:00"
    out: list[dict[str, Any]] = []

    def add(action: str, reason: str, priority: str, sources: list[str]) -> None:
        out.append(
            {
                "action": shorten(action),
                "reason": shorten(reason),
                "channel": channel,
                "suggested_time": soon if priority == "high" else later,
                "priority": priority,
                "sources": sources,
            }
        )

    for f in g["followUps"]:
        rating = f["satisfactionRating"]
        if rating is not None and rating <= 2:
            add(
                f"Call back about the low satisfaction on follow-up #{f['id']} (job #{f['jobId']})",
                f"The customer rated their satisfaction {rating} of 5.",
                "high",
                [f"follow_up:{f['id']}", f"job:{f['jobId']}"],
            )
        elif f["status"] in ("PENDING", "SCHEDULED"):
            add(
                f"Complete follow-up #{f['id']} for job #{f['jobId']}",
                f"The follow-up is still {f['status'].lower()}.",
                "high",
                [f"follow_up:{f['id']}", f"job:{f['jobId']}"],
            )
    for r in g["reviews"]:
        if r["rating"] <= 2:
            add(
                f"Reach out about the {r['rating']}-star review of job #{r['jobId']}",
                "A low rating deserves a personal answer.",
                "high",
                [f"review:{r['id']}", f"job:{r['jobId']}"],
            )
    reviewed = {r["jobId"] for r in g["reviews"]}
    for j in g["jobs"]:
        if j["status"] == "COMPLETED" and j["id"] not in reviewed:
            add(
                f"Ask for a review of job #{j['id']}",
                "The job is completed and has no review yet.",
                "medium",
                [f"job:{j['id']}"],
            )
            break
    for j in g["jobs"]:
        if j["status"] == "SCHEDULED" and j["scheduledFor"][:10] >= today.isoformat():
            add(
                f"Confirm the appointment for job #{j['id']} on {j['scheduledFor'][:10]}",
                "An upcoming visit is best confirmed the day before.",
                "medium",
                [f"job:{j['id']}"],
            )
    for a in g["appliances"]:
        last = a["lastServiceDate"]
        if last is None or date.fromisoformat(last) < today - timedelta(days=365):
            when = f"last serviced {last}" if last else "no service on record"
            add(
                f"Offer a maintenance visit for the {a['type']} (appliance #{a['id']})",
                f"The appliance has {when}.",
                "low",
                [f"appliance:{a['id']}"],
            )
    if not out:
        add(
            f"Check in with {customer['name']}",
            "Nothing is pending; a friendly check-in keeps the relationship warm.",
            "low",
            [f"customer:{customer['id']}"],
        )
    order = {"high": 0, "medium": 1, "low": 2}
    out.sort(key=lambda s: order[s["priority"]])
    return {"suggestions": out[:5]}
