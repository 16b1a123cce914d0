"""The LLM endpoints (all POST, 200): answers grounded in the customer's own records, each
in the one insight envelope (`insight_wire.InsightOut`).

Every route is one row of `ROUTES` (path, operation id, request, response, use case); one
function turns a row into a Litestar handler, and one router puts the rate limit on them all.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast

import msgspec
from litestar import Router, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application.access import Actor
from application.insights.follow_up_suggestions import followup_suggestions
from application.insights.greeting_writer import GreetingResult, generate_greeting
from application.insights.insight_context import InsightContext
from application.insights.job_technician_match import match_technician_for_job
from application.insights.maintenance_prediction import (
    predict_appliance_maintenance,
    predict_customer_maintenance,
)
from application.insights.profitability import ProfitabilityResult, profitability_analysis
from application.insights.sentiment import analyze_sentiment
from application.insights.survey_questions import generate_survey
from application.insights.technician_match import MatchRequest, TechnicianMatch, match_technician
from application.insights.timeline import timeline_summary
from application.llm.answers import (
    FollowUpSuggestions,
    MaintenancePredictions,
    Sentiment,
    Survey,
    TimelineSummary,
)
from domain.time_window import TimeWindow
from entrypoints.http.controllers.insight_wire import insight_out, insight_type
from entrypoints.http.deps import ActorDep, InsightsDep, PathId
from entrypoints.http.rate_limits import llm_rate_limit
from entrypoints.http.wire import Id, In, text_meta

Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class WindowIn(In):
    start: Instant
    end: Instant


# The limits of application/insights/technician_match.py.
ApplianceType = Annotated[str, text_meta(100, required=True)]
Problem = Annotated[str, text_meta(2000, required=True)]


class MatchTechnicianIn(In):
    appliance_type: ApplianceType
    problem: Problem
    customer_id: Id | None = None
    preferred_window: WindowIn | None = None

    def request(self) -> MatchRequest:
        window = self.preferred_window
        return MatchRequest(
            appliance_type=self.appliance_type,
            problem=self.problem,
            customer_id=self.customer_id,
            window=TimeWindow(window.start, window.end) if window else None,
        )


CUSTOMER, APPLIANCE, JOB = (("customer_id", PathId), ("appliance_id", PathId), ("job_id", PathId))
MATCH_BODY = ("data", JSONBody[MatchTechnicianIn])


@dataclass(frozen=True, slots=True)
class InsightRoute:
    """One LLM endpoint: `ask(actor, insights, <request>)` answers, `answer` is its type."""

    task: str  # the handler's name (the operation's summary)
    path: str
    operation_id: str
    request: tuple[str, Any]  # the handler's parameter: a path id or the JSON body
    answer: type[Any]  # the result struct, answered inside the envelope (`<Result>Insight`)
    ask: Callable[..., Awaitable[Any]]
    doc: str | None = None

    @property
    def response(self) -> Any:
        return insight_type(cast("type[msgspec.Struct]", self.answer))

    def out(self, answer: Any) -> Any:
        return insight_out(answer)


async def _match(actor: Actor, insights: InsightContext, data: MatchTechnicianIn) -> Any:
    return await match_technician(actor, insights, data.request())


C = "/customers/{customer_id:int}"
ROUTES = (
    InsightRoute(
        "timeline", f"{C}/timeline-summary", "timelineSummary",
        CUSTOMER, TimelineSummary, timeline_summary,
        "The customer's history (jobs, payments, reviews, messages) told in a few lines.",
    ),
    InsightRoute(
        "followups", f"{C}/followup-suggestions", "followupSuggestions",
        CUSTOMER, FollowUpSuggestions, followup_suggestions,
        "Next actions, on the customer's preferred channel at an allowed contact time.",
    ),
    InsightRoute(
        "greeting", f"{C}/generate-greeting", "generateGreeting",
        CUSTOMER, GreetingResult, generate_greeting,
        "The occasion is decided from the records; the model only writes the text.",
    ),
    InsightRoute(
        "sentiment", f"{C}/analyze-sentiment", "analyzeSentiment",
        CUSTOMER, Sentiment, analyze_sentiment,
        "Overall and per-item sentiment of reviews, ratings and follow-up feedback.",
    ),
    InsightRoute(
        "profitability", f"{C}/profitability-analysis", "profitabilityAnalysis",
        CUSTOMER, ProfitabilityResult, profitability_analysis,
        "The SQL financials, explained; stated figures are checked and corrected.",
    ),
    InsightRoute(
        "maintenance", f"{C}/predict-maintenance", "predictCustomerMaintenance",
        CUSTOMER, MaintenancePredictions, predict_customer_maintenance,
        "The next maintenance of each of the customer's appliances.",
    ),
    InsightRoute(
        "maintenance", "/appliances/{appliance_id:int}/predict-maintenance",
        "predictApplianceMaintenance",
        APPLIANCE, MaintenancePredictions, predict_appliance_maintenance,
        "The next maintenance of one appliance, from its age and service history.",
    ),
    InsightRoute(
        "match", "/jobs/match-technician", "matchTechnician",
        MATCH_BODY, TechnicianMatch, _match,
        "Candidates computed from skills, preference, ratings and workload; ranked by the\n"
        "model, which can never add anyone.",
    ),
    InsightRoute(
        "match_job", "/jobs/{job_id:int}/match-technician", "matchTechnicianForJob",
        JOB, TechnicianMatch, match_technician_for_job,
        "The match for one job: its appliance, description, customer and 2-hour slot.",
    ),
    InsightRoute(
        "survey", "/jobs/{job_id:int}/generate-survey", "generateSurvey",
        JOB, Survey, generate_survey,
        "A short post-service survey for a completed job, in the customer's language.",
    ),
)  # fmt: skip


def insight_handler(route: InsightRoute) -> HTTPRouteHandler:
    """A POST handler for `route`, its signature (what Litestar parses) built from the row."""
    name, annotation = route.request

    async def handler(actor: Any, insights: Any, **request: Any) -> Any:
        return route.out(await route.ask(actor, insights, request[name]))

    kind = inspect.Parameter.KEYWORD_ONLY
    parameters = {"actor": ActorDep, "insights": InsightsDep, name: annotation}
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, kind, annotation=a) for n, a in parameters.items()],
        return_annotation=route.response,
    )
    handler.__annotations__ = {**parameters, "return": route.response}
    handler.__name__ = handler.__qualname__ = route.task
    handler.__doc__ = route.doc or None
    return post(route.path, operation_id=route.operation_id, status_code=HTTP_200_OK)(handler)


insights_router = Router(
    path="/",
    route_handlers=[insight_handler(route) for route in ROUTES],
    tags=["insights"],
    middleware=[llm_rate_limit().middleware],
)
