"""POST /customers/{id}/timeline-summary: a narrative of the customer's history."""

from __future__ import annotations

from application.customer_view import view_customer
from application.insights.context import InsightContext, inline
from application.insights.grounding import GROUNDING_CAP, customer_facts, source_ids
from application.llm.answers import TimelineSummary
from application.llm.gateway import Insight
from application.llm.grounding import blocks
from application.llm.specs import spec_for

SPEC = spec_for(TimelineSummary)


async def timeline_summary(ctx: InsightContext, customer_id: int) -> Insight[TimelineSummary]:
    """Summarise the customer's history from their own records; cites the records used."""
    view = await view_customer(ctx.views, customer_id, GROUNDING_CAP)
    facts = customer_facts(view)
    allowed = source_ids(facts)

    def check(answer: TimelineSummary) -> TimelineSummary:
        answer.sources = [s for s in answer.sources if s in allowed]
        return answer

    values = {
        "shopName": inline(ctx.shop_name),
        "customerName": inline(view.name),
        "language": view.language_preference,
        "dataBlocks": blocks(facts),
    }
    return await ctx.llm.ask("timeline_summary.v1", values, facts, SPEC, check)
