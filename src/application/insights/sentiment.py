"""POST /customers/{id}/analyze-sentiment: how the customer feels, item by item.

The items are the customer's reviews ("review:<id>"), technician ratings ("rating:<id>") and
follow-up feedback ("follow_up:<id>"); their free text goes to the model only inside fenced
data blocks. The answer may cite only those items, each at most once.
"""

from __future__ import annotations

from typing import Any

from application.access import Actor, Permission
from application.customer_reads import load_customer_view
from application.insights.customer_grounding import GROUNDING_CAP
from application.insights.insight_context import InsightContext, authorize_insight, inline
from application.llm.answers import Sentiment
from application.llm.gateway import Insight
from application.llm.grounding_blocks import blocks
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView

SPEC = spec_for(Sentiment)
TASK = "sentiment.v1"


def feedback_items(view: CustomerView) -> list[dict[str, Any]]:
    """Every review, technician rating and follow-up with a rating or feedback, newest first
    within each kind."""
    items: list[dict[str, Any]] = [
        {
            "itemId": f"review:{r.id}",
            "kind": "review",
            "jobId": r.job_id,
            "rating": r.rating,
            "text": r.comment,
            "date": r.created_at.date().isoformat(),
        }
        for r in view.reviews[:GROUNDING_CAP]
    ]
    items += [
        {
            "itemId": f"rating:{r.id}",
            "kind": "technician_rating",
            "jobId": r.job_id,
            "rating": r.rating,
            "text": None,
            "date": r.created_at.date().isoformat(),
        }
        for r in view.customer_technician_ratings[:GROUNDING_CAP]
    ]
    items += [
        {
            "itemId": f"follow_up:{f.id}",
            "kind": "follow_up",
            "jobId": f.job_id,
            "rating": f.satisfaction_rating,
            "text": f.feedback,
            "date": (f.follow_up_date or f.created_at).date().isoformat(),
        }
        for f in view.follow_ups[:GROUNDING_CAP]
        if f.satisfaction_rating is not None or f.feedback
    ]
    return items


async def analyze_sentiment(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[Sentiment]:
    """Overall label and score, and one cited result per feedback item."""
    await authorize_insight(ctx, actor, customer_id, Permission.USE_INSIGHTS)
    view = await load_customer_view(ctx.views, customer_id, GROUNDING_CAP)
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

    values = {
        "shopName": inline(ctx.shop_name),
        "customerName": inline(view.name),
        "language": view.language_preference,
        "itemCount": str(len(items)),
        "dataBlocks": blocks({"feedback": grounding}),
    }
    return await ctx.llm.ask(TASK, values, grounding, SPEC, check)
