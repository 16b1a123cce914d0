"""The LLM endpoints (all POST): answers grounded in the customer's own records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar import Controller, post
from litestar.status_codes import HTTP_200_OK

from application.insights.followups import followup_suggestions
from application.insights.greeting import GreetingOutcome, generate_greeting
from application.insights.maintenance import (
    predict_appliance_maintenance,
    predict_customer_maintenance,
)
from application.insights.profitability import ProfitabilityResult, profitability_analysis
from application.insights.sentiment import analyze_sentiment
from application.insights.survey import generate_survey
from application.insights.technician_match import (
    MatchRequest,
    TechnicianMatch,
    match_technician,
)
from application.insights.timeline import timeline_summary
from application.llm.answers import (
    FollowUpSuggestions,
    Greeting,
    MaintenancePredictions,
    Sentiment,
    Survey,
    TimelineSummary,
)
from application.llm.gateway import Insight
from domain.greeting import Occasion
from entrypoints.http.deps import ActorDep, InsightsDep, PathId
from entrypoints.http.rate_limits import llm_rate_limit
from entrypoints.http.wire import Id, In, Out, Text

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


class GreetingOut(Out):
    """`greeting` is null when no occasion applies (then no model is asked)."""

    occasion: Occasion
    reason: str
    language: str
    sources: list[str]
    greeting: InsightOut[Greeting] | None


def greeting_out(outcome: GreetingOutcome) -> GreetingOut:
    return GreetingOut(
        occasion=outcome.occasion,
        reason=outcome.reason,
        language=outcome.language,
        sources=outcome.sources,
        greeting=insight_out(outcome.greeting) if outcome.greeting is not None else None,
    )


Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class WindowIn(In):
    start: Instant
    end: Instant


class MatchTechnicianIn(In):
    appliance_type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    problem: Text
    customer_id: Id | None = None
    preferred_window: WindowIn | None = None

    def request(self) -> MatchRequest:
        window = self.preferred_window
        return MatchRequest(
            appliance_type=self.appliance_type,
            problem=self.problem,
            customer_id=self.customer_id,
            window_start=window.start if window else None,
            window_end=window.end if window else None,
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
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[TimelineSummary]:
        return insight_out(await timeline_summary(actor, insights, customer_id))

    @post(
        "/{customer_id:int}/followup-suggestions",
        operation_id="followupSuggestions",
        status_code=HTTP_200_OK,
    )
    async def followups(
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[FollowUpSuggestions]:
        """Next actions, on the customer's preferred channel at an allowed contact time."""
        return insight_out(await followup_suggestions(actor, insights, customer_id))

    @post(
        "/{customer_id:int}/generate-greeting",
        operation_id="generateGreeting",
        status_code=HTTP_200_OK,
    )
    async def greeting(
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> GreetingOut:
        """The occasion is decided from the records; the model only writes the text."""
        return greeting_out(await generate_greeting(actor, insights, customer_id))

    @post(
        "/{customer_id:int}/analyze-sentiment",
        operation_id="analyzeSentiment",
        status_code=HTTP_200_OK,
    )
    async def sentiment(
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[Sentiment]:
        """Overall and per-item sentiment of reviews, ratings and follow-up feedback."""
        return insight_out(await analyze_sentiment(actor, insights, customer_id))

    @post(
        "/{customer_id:int}/profitability-analysis",
        operation_id="profitabilityAnalysis",
        status_code=HTTP_200_OK,
    )
    async def profitability(
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[ProfitabilityResult]:
        """The SQL financials, explained; stated figures are checked and corrected."""
        return insight_out(await profitability_analysis(actor, insights, customer_id))

    @post(
        "/{customer_id:int}/predict-maintenance",
        operation_id="predictCustomerMaintenance",
        status_code=HTTP_200_OK,
    )
    async def maintenance(
        self, actor: ActorDep, customer_id: PathId, insights: InsightsDep
    ) -> InsightOut[MaintenancePredictions]:
        """The next maintenance of each of the customer's appliances."""
        return insight_out(await predict_customer_maintenance(actor, insights, customer_id))


class ApplianceInsightsController(Controller):
    path = "/appliances"
    tags = ["insights"]
    middleware = [llm_rate_limit().middleware]

    @post(
        "/{appliance_id:int}/predict-maintenance",
        operation_id="predictApplianceMaintenance",
        status_code=HTTP_200_OK,
    )
    async def maintenance(
        self, actor: ActorDep, appliance_id: PathId, insights: InsightsDep
    ) -> InsightOut[MaintenancePredictions]:
        """The next maintenance of one appliance, from its age and service history."""
        return insight_out(await predict_appliance_maintenance(actor, insights, appliance_id))


class JobInsightsController(Controller):
    path = "/jobs"
    tags = ["insights"]
    middleware = [llm_rate_limit().middleware]

    @post("/match-technician", operation_id="matchTechnician", status_code=HTTP_200_OK)
    async def match(
        self, actor: ActorDep, data: MatchTechnicianIn, insights: InsightsDep
    ) -> InsightOut[TechnicianMatch]:
        """Candidates computed from skills, preference, ratings and workload; ranked by the
        model, which can never add anyone."""
        return insight_out(await match_technician(actor, insights, data.request()))

    @post(
        "/{job_id:int}/generate-survey",
        operation_id="generateSurvey",
        status_code=HTTP_200_OK,
    )
    async def survey(
        self, actor: ActorDep, job_id: PathId, insights: InsightsDep
    ) -> InsightOut[Survey]:
        """A short post-service survey for a completed job, in the customer's language."""
        return insight_out(await generate_survey(actor, insights, job_id))
