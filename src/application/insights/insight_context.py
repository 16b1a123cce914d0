"""What every insight use case needs: the Customer View, the LLM gateway, clock and shop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from application.access import (
    Actor,
    Permission,
    authorize,
    limited_to_own_work,
    require_customer_visible,
)
from application.llm.gateway import Insight, LlmGateway
from application.ports.clock import Clock
from application.ports.read_queries import CustomerViewQuery
from application.ports.unit_of_work import UnitOfWork
from domain.contact_preferences import QuietHours


@dataclass(frozen=True, slots=True)
class InsightContext:
    views: CustomerViewQuery
    llm: LlmGateway
    clock: Clock
    uow: Callable[[], UnitOfWork]
    shop_name: str = "the shop"
    quiet_hours: QuietHours = field(default_factory=QuietHours)


async def authorize_insight(
    ctx: InsightContext, actor: Actor, customer_id: int, permission: Permission
) -> None:
    """The access policy for an insight about one customer: NotFound when a technician does
    not serve the customer, then PermissionDenied unless the role holds `permission`."""
    if limited_to_own_work(actor):
        async with ctx.uow() as uow:
            await require_customer_visible(uow, actor, customer_id)
    authorize(actor, permission)


def inline(text: str, max_len: int = 200) -> str:
    """A customer-supplied value placed inline in a prompt: one line, bounded, no fences."""
    cleaned = " ".join(text.split()).replace("<<<", "").replace(">>>", "")
    return cleaned[:max_len]


def base_language(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag ("pt-BR" -> "pt")."""
    return tag.split("-", 1)[0].lower()


def local_today(now: datetime, zone: str) -> date:
    """Today's date where the customer lives."""
    return now.astimezone(ZoneInfo(zone)).date()


U = TypeVar("U")


def with_answer(insight: Insight[Any], answer: U) -> Insight[U]:
    """The same insight (model, cache state, usage) carrying a post-processed answer."""
    return replace(insight, answer=answer)
