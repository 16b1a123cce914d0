"""Grounding data built from the Customer View read model (figures come from SQL)."""

from __future__ import annotations

from typing import Any

from application.read_models.customer_view import CustomerView

GROUNDING_CAP = 50  # newest records per collection that go into a prompt


def customer_facts(view: CustomerView) -> dict[str, Any]:
    """The customer's records as plain data; free text stays in its fields (fenced later)."""
    fin = view.financials()
    return {
        "customer": {
            "id": view.id,
            "name": view.name,
            "customerSince": view.created_at.date().isoformat(),
            "timeZone": view.time_zone,
            "language": view.language_preference,
            "preferredContactMethod": view.preferred_contact_method,
            "notes": view.notes,
        },
        "jobs": [
            {
                "id": j.id,
                "status": j.status,
                "description": j.description,
                "appliance": j.appliance,
                "applianceId": j.appliance_id,
                "scheduledFor": j.scheduled_for.isoformat(),
                "completionDate": j.completion_date.isoformat() if j.completion_date else None,
                "technician": j.technician.name if j.technician else None,
            }
            for j in view.jobs[:GROUNDING_CAP]
        ],
        "payments": [
            {
                "id": p.id,
                "jobId": p.job_id,
                "amount": p.amount,
                "currency": p.currency,
                "method": p.payment_method,
                "paidAt": p.paid_at.date().isoformat(),
            }
            for p in view.payments[:GROUNDING_CAP]
        ],
        "reviews": [
            {"id": r.id, "jobId": r.job_id, "rating": r.rating, "comment": r.comment}
            for r in view.reviews[:GROUNDING_CAP]
        ],
        "followUps": [
            {
                "id": f.id,
                "jobId": f.job_id,
                "status": f.status,
                "satisfactionRating": f.satisfaction_rating,
                "feedback": f.feedback,
            }
            for f in view.follow_ups[:GROUNDING_CAP]
        ],
        "appliances": [
            {
                "id": a.id,
                "type": a.type,
                "brand": a.brand,
                "model": a.model_number,
                "installedOn": a.installed_on.isoformat() if a.installed_on else None,
                "lastServiceDate": a.last_service_date.date().isoformat()
                if a.last_service_date
                else None,
            }
            for a in view.appliances[:GROUNDING_CAP]
        ],
        "financials": {
            "currency": fin.currency,
            "revenue": fin.revenue,
            "expenses": fin.expenses,
            "net": fin.net,
        },
        "counts": {name: info.total for name, info in view.collections.items()},
    }


def source_ids(facts: dict[str, Any]) -> set[str]:
    """Every "<kind>:<id>" an answer may cite."""
    kinds = {
        "jobs": "job",
        "payments": "payment",
        "reviews": "review",
        "followUps": "follow_up",
        "appliances": "appliance",
    }
    ids = {f"customer:{facts['customer']['id']}"}
    for collection, kind in kinds.items():
        ids.update(f"{kind}:{item['id']}" for item in facts[collection])
    return ids
