"""GET /customers/{id}/insights: what the assistants answered about a customer, newest first.

Every answer produced (provider or offline) is stored by the gateway (`LlmGateway`); a
cache hit adds no row, its envelope's `generationId` names the stored original. Staff see
every customer's; a
technician only those of customers they have a job at (404 for others, as for the
customer itself).
"""

from __future__ import annotations

import enum

from application.access import (
    Actor,
    Permission,
    authorize,
    limited_to_own_work,
    require_customer_visible,
)
from application.insights.insight_context import InsightContext
from application.lookups import require
from application.pagination import ListQuery, Page
from application.ports.generations import Generation


class InsightTask(enum.StrEnum):
    """The template names of the insight tasks (a generation's `task`)."""

    TIMELINE_SUMMARY = "timeline_summary"
    FOLLOWUP_SUGGESTIONS = "followup_suggestions"
    GREETING = "greeting"
    SENTIMENT = "sentiment"
    PROFITABILITY = "profitability"
    MAINTENANCE = "maintenance"
    TECHNICIAN_MATCH = "technician_match"
    SURVEY = "survey"


FIELD_TASKS = frozenset({InsightTask.GREETING, InsightTask.MAINTENANCE})
GENERATION_SORTABLE = ("id", "created_at", "task")
"""The generations list's sort keys (default: newest first)."""


async def list_customer_insights(
    actor: Actor,
    ctx: InsightContext,
    customer_id: int,
    task: InsightTask | None,
    page: ListQuery,
) -> Page[Generation]:
    """A page of the customer's stored generations, newest first unless `page.sort` says
    otherwise (`GENERATION_SORTABLE`; filter: `task`). A technician sees only the field
    assistants' (greeting, maintenance): the others (profitability...) are answers their
    role may not ask for."""
    authorize(actor, Permission.USE_FIELD_INSIGHTS)
    page.check_sort(GENERATION_SORTABLE)
    tasks = {task} if task is not None else set(InsightTask)
    async with ctx.uow().read_only() as uow:
        if limited_to_own_work(actor):
            await require_customer_visible(uow, actor, customer_id)
            tasks &= FIELD_TASKS
        else:
            await require(uow.customers, "customer", customer_id)
    if ctx.generations is None or not tasks:
        return Page([], 0, page.limit, page.offset)
    names = frozenset(t.value for t in tasks)
    found = await ctx.generations.for_customer(customer_id, names, page)
    return Page(found.items, found.total, page.limit, page.offset)
