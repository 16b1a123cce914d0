"""POST /customers/{id}/analyze-sentiment: how the customer feels, item by item.

The items are the customer's reviews ("review:<id>"), technician ratings ("rating:<id>") and
follow-up feedback ("follow_up:<id>"); their free text goes to the model only inside fenced
data blocks. The answer may cite only those items, each at most once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.access import Actor
from application.insights.customer_grounding import GROUNDING_CAP
from application.insights.insight_context import InsightContext, prompt_values
from application.insights.versioned_answer import versioned_answer
from application.llm.answers import Sentiment
from application.llm.gateway import Insight
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView

SPEC = spec_for(Sentiment)
TASK = "sentiment.v1"


def _item(
    item_id: str, kind: str, job_id: int, rating: int | None, text: str | None, at: datetime
) -> dict[str, Any]:
    return {
        "itemId": item_id,
        "kind": kind,
        "jobId": job_id,
        "rating": rating,
        "text": text,
        "date": at.date().isoformat(),
    }


def feedback_items(view: CustomerView) -> list[dict[str, Any]]:
    """Every review, technician rating and follow-up with a rating or feedback, newest first
    within each kind."""
    items = [
        _item(f"review:{r.id}", "review", r.job_id, r.rating, r.comment, r.created_at)
        for r in view.reviews[:GROUNDING_CAP]
    ]
    items += [
        _item(f"rating:{r.id}", "technician_rating", r.job_id, r.rating, None, r.created_at)
        for r in view.customer_technician_ratings[:GROUNDING_CAP]
    ]
    items += [
        _item(
            f"follow_up:{f.id}",
            "follow_up",
            f.job_id,
            f.satisfaction_rating,
            f.feedback,
            f.follow_up_date or f.created_at,
        )
        for f in view.follow_ups[:GROUNDING_CAP]
        if f.satisfaction_rating is not None or f.feedback
    ]
    return items


async def analyze_sentiment(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[Sentiment]:
    """Overall label and score, and one cited result per feedback item. Answered from the
    cache by the customer's data version when nothing changed."""

    async def answer(view: CustomerView, subject: str | None) -> Insight[Sentiment]:
        items = feedback_items(view)
        allowed = {item["itemId"] for item in items}
        grounding = {
            "customer": {"id": view.id, "name": view.name},
            "items": items,
        }

        def check(answer: Sentiment) -> Sentiment:
            seen: set[str] = set()
            kept = []
            for item in answer.items:
                if item.item_id in allowed and item.item_id not in seen:
                    seen.add(item.item_id)
                    kept.append(item)
            answer.items = kept
            return answer

        values = prompt_values(ctx, view, {"feedback": grounding}, itemCount=str(len(items)))
        return await ctx.llm.ask(TASK, values, grounding, SPEC, check, remember_as=subject)

    return await versioned_answer(ctx, actor, customer_id, TASK, SPEC, answer)
