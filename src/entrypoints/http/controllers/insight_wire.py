"""The wire shape of the LLM endpoints: one envelope, a concrete `<Result>Insight` per task.

Every insight answers `{result, sources, model, promptVersion, cached, degraded,
generatedAt, usage, generationId, languageFallback}`, whichever adapter (offline or an
OpenAI-compatible provider) produced it; only `result`'s type differs per task.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import msgspec

from application.llm.gateway import Insight
from entrypoints.http.wire import Out
from entrypoints.http.wire_twins import to_wire, wire_type


class UsageOut(Out):
    """Tokens, time and the estimated cost (decimal string, from LLM_PRICE_*) of the call."""

    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    estimated_cost: str


class InsightOut(Out):
    """`model` is "offline" for deterministic answers ("none" when nothing was asked);
    `promptVersion` the prompt template and version; `cached` when the answer repeats an
    earlier generation with the same inputs (`generatedAt` is then the original's, `usage`
    null); `degraded` when the provider failed and the offline adapter answered;
    `generationId` the stored generation holding the answer (GET /customers/{id}/insights);
    `languageFallback` "en" when the customer's language is not supported and the text is
    English instead."""

    sources: list[str]
    model: str
    prompt_version: str
    cached: bool
    degraded: bool
    generated_at: datetime
    usage: UsageOut | None
    generation_id: int | None
    language_fallback: str | None


@functools.cache
def insight_type(result_type: type[msgspec.Struct]) -> type[InsightOut]:
    """`InsightOut` carrying a `result_type` (camelCase twin), named `<Result>Insight`."""
    name = f"{result_type.__name__}Insight"
    insight = msgspec.defstruct(
        name,
        [("result", wire_type(result_type))],
        bases=(InsightOut,),
        module=__name__,
        kw_only=True,
        namespace={"__doc__": InsightOut.__doc__, "__schema_name__": name},
    )
    return cast("type[InsightOut]", insight)


def usage_out(insight: Insight[Any]) -> UsageOut | None:
    usage = insight.usage
    if usage is None:
        return None
    return UsageOut(
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_ms=round(usage.latency_ms, 1),
        estimated_cost=str(insight.estimated_cost),
    )


def insight_out(insight: Insight[Any]) -> InsightOut:
    result_type: type[msgspec.Struct] = type(insight.answer)
    make: Callable[..., InsightOut] = insight_type(result_type)
    assert insight.generated_at is not None
    return make(
        result=to_wire(insight.answer),
        sources=list(insight.sources),
        model=insight.model,
        prompt_version=insight.prompt_version,
        cached=insight.cached,
        degraded=insight.degraded,
        generated_at=insight.generated_at,
        usage=usage_out(insight),
        generation_id=insight.generation_id,
        language_fallback=insight.language_fallback,
    )
