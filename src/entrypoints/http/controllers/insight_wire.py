"""The wire shapes of the LLM endpoints: one concrete `<Answer>Insight` type per answer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import msgspec

from application.insights.greeting_writer import GreetingOutcome
from application.llm.answers import Greeting
from application.llm.gateway import Insight
from domain.greeting_occasion import Occasion
from entrypoints.http.wire import Out
from entrypoints.http.wire_twins import to_wire, wire_type


class UsageOut(Out):
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


class InsightOut(Out):
    """`model` is "offline" for deterministic answers; `degraded` when the provider failed."""

    model: str
    cached: bool
    degraded: bool
    grounding_hash: str
    usage: UsageOut | None


@functools.cache
def insight_type(answer_type: type[msgspec.Struct]) -> type[InsightOut]:
    """`InsightOut` carrying an `answer_type` (camelCase twin), named `<Answer>Insight`."""
    name = f"{answer_type.__name__}Insight"
    insight = msgspec.defstruct(
        name,
        [("answer", wire_type(answer_type))],
        bases=(InsightOut,),
        module=__name__,
        kw_only=True,
        namespace={"__doc__": InsightOut.__doc__, "__schema_name__": name},
    )
    return cast("type[InsightOut]", insight)


def insight_out(insight: Insight[Any]) -> InsightOut:
    usage = insight.usage
    answer_type: type[msgspec.Struct] = type(insight.answer)
    make: Callable[..., InsightOut] = insight_type(answer_type)
    return make(
        model=insight.model,
        cached=insight.cached,
        degraded=insight.degraded,
        grounding_hash=insight.grounding_hash,
        usage=UsageOut(
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            latency_ms=round(usage.latency_ms, 1),
        )
        if usage is not None
        else None,
        answer=to_wire(insight.answer),
    )


if TYPE_CHECKING:
    GreetingInsight = InsightOut
else:
    GreetingInsight = insight_type(Greeting)


class GreetingOut(Out):
    """`greeting` is null when no occasion applies (then no model is asked)."""

    occasion: Occasion
    reason: str
    language: str
    sources: list[str]
    greeting: GreetingInsight | None


def greeting_out(outcome: GreetingOutcome) -> GreetingOut:
    greeting = outcome.greeting
    decided = msgspec.convert(replace(outcome, greeting=None), GreetingOut, from_attributes=True)
    decided.greeting = insight_out(greeting) if greeting is not None else None
    return decided
