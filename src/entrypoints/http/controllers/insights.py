"""The LLM endpoints (all POST): answers grounded in the customer's own records."""

from __future__ import annotations

from typing import Generic, TypeVar

from litestar import Controller, post
from litestar.status_codes import HTTP_200_OK

from application.insights.timeline import timeline_summary
from application.llm.answers import TimelineSummary
from application.llm.gateway import Insight
from entrypoints.http.deps import InsightsDep, PathId
from entrypoints.http.rate_limits import llm_rate_limit
from entrypoints.http.wire import Out

T = TypeVar("T")


class UsageOut(Out):
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


class InsightOut(Out, Generic[T]):
    """`model` is "offline" for deterministic answers; `degraded` when the provider failed."""

    model: str
    cached: bool
    degraded: bool
    grounding_hash: str
    usage: UsageOut | None
    answer: T


def insight_out(insight: Insight[T]) -> InsightOut[T]:
    usage = insight.usage
    return InsightOut(
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
        answer=insight.answer,
    )


class CustomerInsightsController(Controller):
    path = "/customers"
    tags = ["insights"]
    middleware = [llm_rate_limit().middleware]

    @post(
        "/{customer_id:int}/timeline-summary",
        operation_id="timelineSummary",
        status_code=HTTP_200_OK,
    )
    async def timeline(
        self, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[TimelineSummary]:
        return insight_out(await timeline_summary(insights, customer_id))
