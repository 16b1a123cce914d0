"""POST /customers/{id}/timeline-summary: a narrative of the customer's history."""

from __future__ import annotations

from application.access import Actor, Permission
from application.customer_reads import load_customer_view
from application.insights.customer_grounding import GROUNDING_CAP, customer_facts, source_ids
from application.insights.insight_context import InsightContext, authorize_insight, inline
from application.llm.answers import TimelineSummary
from application.llm.gateway import Insight
from application.llm.grounding_blocks import blocks
from application.llm.specs import spec_for

SPEC = spec_for(TimelineSummary)


async def timeline_summary(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[TimelineSummary]:
    """Summarise the customer's history from their own records; cites the records used."""
    await authorize_insight(ctx, actor, customer_id, Permission.USE_INSIGHTS)
    view = await load_customer_view(ctx.views, customer_id, GROUNDING_CAP)
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
