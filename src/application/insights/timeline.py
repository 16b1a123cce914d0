"""POST /customers/{id}/timeline-summary: a narrative of the customer's history."""

from __future__ import annotations

from application.access import Actor
from application.insights.customer_grounding import customer_facts, source_ids
from application.insights.insight_context import InsightContext, cited_from, prompt_values
from application.insights.versioned_answer import versioned_answer
from application.llm.answers import TimelineSummary
from application.llm.gateway import Insight
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView

SPEC = spec_for(TimelineSummary)
TASK = "timeline_summary.v1"


async def timeline_summary(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[TimelineSummary]:
    """Summarise the customer's history from their own records; cites the records used.
    Answered from the cache by the customer's data version when nothing changed."""

    async def answer(view: CustomerView, subject: str | None) -> Insight[TimelineSummary]:
        facts = customer_facts(view)
        values = prompt_values(ctx, view, facts)
        check = cited_from(source_ids(facts))
        return await ctx.llm.ask(TASK, values, facts, SPEC, check, remember_as=subject)

    return await versioned_answer(ctx, actor, customer_id, TASK, SPEC, answer)
