"""An insight about one customer answered from the cache by the customer's data version:
a hit costs the version lookup and one cache read, not the Customer View."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from application.access import Actor, Permission
from application.customer_reads import load_customer_view
from application.insights.customer_grounding import GROUNDING_CAP
from application.insights.insight_context import InsightContext, authorize_insight
from application.llm.gateway import Insight
from application.llm.grounding_blocks import fingerprint
from application.ports.llm import AnswerSpec
from application.read_models.customer_view import CustomerView
from domain.errors import NotFound

T = TypeVar("T")
Answer = Callable[[CustomerView, "str | None"], Awaitable[Insight[T]]]


async def versioned_answer(
    ctx: InsightContext,
    actor: Actor,
    customer_id: int,
    task: str,
    spec: AnswerSpec[T],
    answer: Answer[T],
) -> Insight[T]:
    """The answer remembered for the customer's current data version, else `answer(view,
    subject)`, which must pass `subject` to `ask(..., remember_as=subject)`.

    For tasks whose grounding is built only from the Customer View and the shop's settings
    (the subject names both). The version is read before the view: a write in between
    leaves the answer under a version no one asks for again, never a stale answer under a
    new one. Without a version source (`ctx.versions` None) every call builds the view."""
    await authorize_insight(ctx, actor, customer_id, Permission.USE_INSIGHTS)
    subject = None
    if ctx.versions is not None:
        version = await ctx.versions.version(customer_id)
        if version is None:
            raise NotFound("customer", customer_id)
        settings = fingerprint({"shopName": ctx.shop_name, "cap": GROUNDING_CAP})[:16]
        subject = f"customer:{customer_id}:v{version}:{settings}"
        hit = await ctx.llm.recall(task, subject, spec)
        if hit is not None:
            return hit
    view = await load_customer_view(ctx.views, customer_id, GROUNDING_CAP)
    return await answer(view, subject)
