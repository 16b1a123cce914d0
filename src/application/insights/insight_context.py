"""What every insight use case needs: the Customer View, the LLM gateway, clock and shop."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from application.access import (
    Actor,
    Permission,
    authorize,
    limited_to_own_work,
    require_customer_visible,
)
from application.customer_reads import load_customer_view
from application.insights.customer_grounding import GROUNDING_CAP
from application.insights.service_history_memo import ServiceHistoryMemo
from application.llm.asking import asking_about
from application.llm.gateway import Insight, LlmGateway
from application.llm.grounding_blocks import blocks
from application.ports.clock import Clock
from application.ports.data_versions import CustomerDataVersions
from application.ports.generations import GenerationLog
from application.ports.read_queries import CustomerViewQuery
from application.ports.unit_of_work import UnitOfWork
from application.read_models.customer_view import CustomerView
from domain.contact_preferences import QuietHours
from domain.survey_reply import LANGUAGES as SUPPORTED_LANGUAGES


@dataclass(frozen=True, slots=True)
class InsightContext:
    views: CustomerViewQuery
    llm: LlmGateway
    clock: Clock
    uow: Callable[[], UnitOfWork]
    shop_name: str = "the shop"
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    service_history: ServiceHistoryMemo = field(default_factory=ServiceHistoryMemo)
    generations: GenerationLog | None = None  # where answers are stored (None: nowhere)
    # Keys answers by the customer's data version (see versioned_answer.py); None: no
    # shortcut, every answer builds the Customer View first.
    versions: CustomerDataVersions | None = None


async def authorize_insight(
    ctx: InsightContext, actor: Actor, customer_id: int, permission: Permission
) -> None:
    """The access policy for an insight about one customer: NotFound when a technician does
    not serve the customer, then PermissionDenied unless the role holds `permission`."""
    if limited_to_own_work(actor):
        async with ctx.uow().read_only() as uow:
            await require_customer_visible(uow, actor, customer_id)
    authorize(actor, permission)
    asking_about(actor, customer_id)


async def insight_view(
    ctx: InsightContext,
    actor: Actor,
    customer_id: int,
    permission: Permission = Permission.USE_INSIGHTS,
    cap: int = GROUNDING_CAP,
) -> CustomerView:
    """The Customer View an insight is grounded on, once the actor may ask for it."""
    await authorize_insight(ctx, actor, customer_id, permission)
    return await load_customer_view(ctx.views, customer_id, cap)


def prompt_values(
    ctx: InsightContext, view: CustomerView, data: Mapping[str, Any], **more: str
) -> dict[str, str]:
    """The placeholders every customer prompt fills (shop, customer, language and the data
    blocks of `data`), plus the task's own `more`."""
    return {
        "shopName": inline(ctx.shop_name),
        "customerName": inline(view.name),
        "language": view.language_preference,
        **more,
        "dataBlocks": blocks(data),
    }


class _Cites(Protocol):
    sources: list[str]


C = TypeVar("C", bound=_Cites)


def cited_from(allowed: Set[str]) -> Callable[[C], C]:
    """The answer check keeping only the sources the grounding offered."""

    def check(answer: C) -> C:
        answer.sources = [s for s in answer.sources if s in allowed]
        return answer

    return check


def inline(text: str, max_len: int = 200) -> str:
    """A customer-supplied value placed inline in a prompt: one line, bounded, no fences."""
    cleaned = " ".join(text.split()).replace("<<<", "").replace(">>>", "")
    return cleaned[:max_len]


def base_language(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag ("pt-BR" -> "pt")."""
    return tag.split("-", 1)[0].lower()


def language_fallback(tag: str) -> str | None:
    """ "en" when customer-facing text cannot be written in `tag` (not one of the five
    supported languages) and is written in English instead; None when it can."""
    return None if base_language(tag) in SUPPORTED_LANGUAGES else "en"


def local_today(now: datetime, zone: str) -> date:
    """Today's date where the customer lives."""
    return now.astimezone(ZoneInfo(zone)).date()


U = TypeVar("U")


def with_answer(insight: Insight[Any], answer: U) -> Insight[U]:
    """The same insight (model, cache state, usage) carrying a post-processed answer."""
    return replace(insight, answer=answer)
