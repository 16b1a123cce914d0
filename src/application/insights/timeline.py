"""POST /customers/{id}/timeline-summary: a narrative of the customer's history."""

from __future__ import annotations

from application.access import Actor
from application.insights.customer_grounding import customer_facts, source_ids
from application.insights.insight_context import (
    InsightContext,
    cited_from,
    insight_view,
    prompt_values,
)
from application.llm.answers import TimelineSummary
from application.llm.gateway import Insight
from application.llm.specs import spec_for

SPEC = spec_for(TimelineSummary)


async def timeline_summary(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[TimelineSummary]:
    """Summarise the customer's history from their own records; cites the records used."""
    view = await insight_view(ctx, actor, customer_id)
    facts = customer_facts(view)
    values = prompt_values(ctx, view, facts)
    return await ctx.llm.ask(
        "timeline_summary.v1", values, facts, SPEC, cited_from(source_ids(facts))
    )
