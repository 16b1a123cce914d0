"""POST /customers/{id}/generate-greeting: the domain picks the occasion, the model writes.

The occasion (welcome, thank-you, anniversary, seasonal reminder or none) is decided by
`domain.greeting_occasion.decide_occasion` from the clock and the records; with none, the model is
not asked at all. The text is written in the customer's `languagePreference` (one of the
five supported languages; English otherwise, which the envelope's `languageFallback` says).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import msgspec

from application.access import Actor, Permission
from application.customer_reads import MAX_COLLECTION_CAP
from application.insights.insight_context import (
    InsightContext,
    base_language,
    insight_view,
    language_fallback,
    local_today,
    prompt_values,
    with_answer,
)
from application.llm.answers import Greeting
from application.llm.errors import LlmInvalidReply
from application.llm.gateway import Insight
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView, JobItem
from domain.greeting_occasion import CompletedService, GreetingDecision, Occasion, decide_occasion

SPEC = spec_for(Greeting)
TASK = "greeting.v1"


NO_MODEL = "none"  # no occasion: nothing was asked of any model


class GreetingResult(msgspec.Struct, kw_only=True):
    """The decided occasion and the greeting written for it (`text` None when the occasion
    is NONE). `language`: the language `text` is written in."""

    occasion: Occasion
    reason: str
    language: str
    text: str | None


def _completed(view: CustomerView) -> list[tuple[JobItem, CompletedService]]:
    return [
        (job, CompletedService(job.id, job.completion_date))
        for job in view.jobs
        if job.status == "COMPLETED" and job.completion_date is not None
    ]


def decide(view: CustomerView, now: datetime) -> GreetingDecision:
    completed = [service for _, service in _completed(view)]
    serviced = [a.last_service_date for a in view.appliances if a.last_service_date is not None]
    return decide_occasion(now, view.time_zone, view.created_at, completed, serviced)


def _grounding(
    view: CustomerView, decision: GreetingDecision, shop: str, today: str
) -> dict[str, Any]:
    job = next((j for j, _ in _completed(view) if j.id == decision.job_id), None)
    return {
        "occasion": decision.occasion.value,
        "reason": decision.reason,
        "today": today,
        "shopName": shop,
        "language": view.language_preference,
        "customer": {"id": view.id, "name": view.name},
        "job": {
            "id": job.id,
            "description": job.description,
            "appliance": job.appliance,
            "completionDate": job.completion_date.date().isoformat()
            if job.completion_date
            else None,
            "technician": job.technician.name if job.technician else None,
        }
        if job is not None
        else None,
        "years": decision.years,
        "applianceTypes": sorted({a.type for a in view.appliances}),
    }


def _check(answer: Greeting) -> Greeting:
    text = answer.text.strip()
    if not text:
        raise LlmInvalidReply("the greeting is empty")
    answer.text = text
    return answer


async def generate_greeting(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[GreetingResult]:
    """The occasion of today's greeting and its text (no model call when there is none)."""
    # The whole history: the anniversary counts from the first completed job.
    view = await insight_view(
        ctx, actor, customer_id, Permission.USE_FIELD_INSIGHTS, MAX_COLLECTION_CAP
    )
    now = ctx.clock.now()
    decision = decide(view, now)
    sources = [f"customer:{view.id}"]
    if decision.job_id is not None:
        sources.append(f"job:{decision.job_id}")
    fallback = language_fallback(view.language_preference)
    language = fallback or view.language_preference  # what the text is to be written in
    if decision.occasion is Occasion.NONE:
        result = GreetingResult(
            occasion=decision.occasion, reason=decision.reason, language=language, text=None
        )
        return Insight(
            result,
            NO_MODEL,
            False,
            None,
            "",
            prompt_version=TASK,
            generated_at=now,
            sources=tuple(sources),
            language_fallback=fallback,
        )
    today = local_today(now, view.time_zone).isoformat()
    grounding = {**_grounding(view, decision, ctx.shop_name, today), "language": language}
    values = prompt_values(
        ctx,
        view,
        {"records": grounding},
        occasion=decision.occasion.value,
        language=language,
        baseLanguage=base_language(language),
    )
    insight = await ctx.llm.ask(TASK, values, grounding, SPEC, _check)
    result = GreetingResult(
        occasion=decision.occasion,
        reason=decision.reason,
        language=insight.answer.language,
        text=insight.answer.text,
    )
    cited = tuple(dict.fromkeys((*sources, *insight.sources)))
    return replace(with_answer(insight, result), sources=cited, language_fallback=fallback)
