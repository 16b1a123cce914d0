"""POST /appliances/{id}/predict-maintenance and /customers/{id}/predict-maintenance.

Each appliance is grounded on its age (installedOn), its last service date and the jobs
that name it (applianceId), with a baseline learned from the shop's own service history
(`domain.maintenance_history`: Kaplan-Meier per kind and brand, the fixed interval per kind
only as a prior when the history is thin). The model's dates are sanity-checked against that
baseline: an unparseable or implausible date is replaced by it; predictions for appliances
that are not in the grounding are dropped; confidence stays within 0..1; the 95% window,
the number of observations and the basis are always the history's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec

from application.access import Actor, Permission
from application.customer_reads import load_customer_view
from application.insights.customer_grounding import GROUNDING_CAP
from application.insights.insight_context import (
    InsightContext,
    authorize_insight,
    insight_view,
    local_today,
    prompt_values,
)
from application.llm.answers import MaintenancePrediction, MaintenancePredictions
from application.llm.gateway import Insight
from application.llm.specs import spec_for
from application.lookups import require
from application.read_models.customer_view import CustomerView, JobItem
from domain.errors import NotFound
from domain.maintenance_history import (
    LearnedInterval,
    ServiceHistory,
    due_window,
    estimate_from_history,
    fixed_rule_days,
    learned_interval,
)
from domain.maintenance_interval import DueEstimate, age_in_years

SPEC = spec_for(MaintenancePredictions)
TASK = "maintenance.v1"
MAX_REASON = 500
REPLACED_NOTE = " (due date set from the service interval)"


@dataclass(frozen=True, slots=True)
class ApplianceFacts:
    """What a prediction may rest on, for one appliance."""

    id: int
    type: str
    brand: str | None
    model_number: str | None
    installed_on: date | None
    last_service: date | None
    jobs: list[JobItem]


def _service_jobs(view: CustomerView, appliance_id: int) -> list[JobItem]:
    return [j for j in view.jobs if j.appliance_id == appliance_id]


def _last_service(recorded: datetime | None, jobs: list[JobItem]) -> date | None:
    dates = [j.completion_date for j in jobs if j.status == "COMPLETED" and j.completion_date]
    if recorded is not None:
        dates.append(recorded)
    return max(dates).date() if dates else None


@dataclass(frozen=True, slots=True)
class Baseline:
    """The due estimate from the shop's history, and what it rests on."""

    estimate: DueEstimate
    learned: LearnedInterval
    window: tuple[date, date] | None


def baseline(history: ServiceHistory, facts: ApplianceFacts, today: date) -> Baseline:
    anchor = facts.last_service or facts.installed_on
    elapsed = max(0, (today - anchor).days) if anchor is not None else 0
    prior = fixed_rule_days(facts.type, facts.installed_on, today)
    learned = learned_interval(history, facts.type, facts.brand, prior, elapsed)
    estimate = estimate_from_history(learned, facts.installed_on, facts.last_service, today)
    return Baseline(estimate, learned, due_window(learned, anchor))


def _grounding_item(facts: ApplianceFacts, base: Baseline, today: date) -> dict[str, Any]:
    estimate, learned = base.estimate, base.learned
    return {
        "applianceId": facts.id,
        "type": facts.type,
        "brand": facts.brand,
        "model": facts.model_number,
        "installedOn": facts.installed_on.isoformat() if facts.installed_on else None,
        "ageYears": age_in_years(facts.installed_on, today),
        "lastServiceDate": facts.last_service.isoformat() if facts.last_service else None,
        "serviceIntervalDays": estimate.interval_days,
        "baseline": {
            "dueDate": estimate.due.isoformat(),
            "dueLow": base.window[0].isoformat() if base.window else None,
            "dueHigh": base.window[1].isoformat() if base.window else None,
            "confidence": estimate.confidence,
            "observations": learned.observations,
            "stillRunning": learned.censored,
            "basis": learned.basis,
            "reason": estimate.reason,
        },
        "serviceJobs": [
            {
                "id": j.id,
                "status": j.status,
                "description": j.description,
                "scheduledFor": j.scheduled_for.date().isoformat(),
                "completionDate": j.completion_date.date().isoformat()
                if j.completion_date
                else None,
            }
            for j in facts.jobs
        ],
    }


def _clip(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


class DateSanity:
    """Keeps the model's predictions that are about known appliances, with sane values."""

    def __init__(self, facts: list[ApplianceFacts], baselines: dict[int, Baseline]) -> None:
        self.baselines = baselines
        self.sources = {f"appliance:{f.id}" for f in facts} | {
            f"job:{j.id}" for f in facts for j in f.jobs
        }

    def _one(self, p: MaintenancePrediction, base: Baseline) -> MaintenancePrediction:
        estimate = base.estimate
        confidence = min(max(p.confidence, 0.0), 1.0)
        reason = p.reason
        try:
            due: date | None = date.fromisoformat(p.due_date)
        except ValueError:
            due = None
        if due is None or not estimate.plausible(due):
            due = estimate.due
            confidence = min(confidence, estimate.confidence)
            reason = _clip(reason.rstrip() + REPLACED_NOTE)
        return msgspec.structs.replace(
            p,
            due_date=due.isoformat(),
            confidence=confidence,
            reason=reason,
            sources=[s for s in p.sources if s in self.sources],
            due_low=base.window[0].isoformat() if base.window else None,
            due_high=base.window[1].isoformat() if base.window else None,
            observations=base.learned.observations,
            basis=base.learned.basis,
        )

    def __call__(self, answer: MaintenancePredictions) -> MaintenancePredictions:
        kept: list[MaintenancePrediction] = []
        seen: set[int] = set()
        for prediction in answer.predictions:
            base = self.baselines.get(prediction.appliance_id)
            if base is None or prediction.appliance_id in seen:
                continue
            seen.add(prediction.appliance_id)
            kept.append(self._one(prediction, base))
        return MaintenancePredictions(predictions=kept)


async def _predict(
    ctx: InsightContext, view: CustomerView, facts: list[ApplianceFacts]
) -> Insight[MaintenancePredictions]:
    today = local_today(ctx.clock.now(), view.time_zone)
    history = await ctx.service_history.history(ctx.uow, ctx.clock.now(), today)
    baselines = {f.id: baseline(history, f, today) for f in facts}
    grounding = {
        "today": today.isoformat(),
        "customer": {"id": view.id, "name": view.name},
        "appliances": [_grounding_item(f, baselines[f.id], today) for f in facts],
    }
    values = prompt_values(
        ctx, view, grounding, today=today.isoformat(), applianceCount=str(len(facts))
    )
    return await ctx.llm.ask(TASK, values, grounding, SPEC, DateSanity(facts, baselines))


async def predict_customer_maintenance(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[MaintenancePredictions]:
    """A prediction for each of the customer's appliances (the newest 50)."""
    view = await insight_view(ctx, actor, customer_id, Permission.USE_FIELD_INSIGHTS)
    facts = []
    for a in view.appliances[:GROUNDING_CAP]:
        jobs = _service_jobs(view, a.id)
        facts.append(
            ApplianceFacts(
                a.id,
                a.type,
                a.brand,
                a.model_number,
                a.installed_on,
                _last_service(a.last_service_date, jobs),
                jobs,
            )
        )
    return await _predict(ctx, view, facts)


async def predict_appliance_maintenance(
    actor: Actor, ctx: InsightContext, appliance_id: int
) -> Insight[MaintenancePredictions]:
    """The prediction for one appliance (NotFound for an unknown id, or for a technician
    not serving its customer)."""
    async with ctx.uow().read_only() as uow:
        appliance = await require(uow.appliances, "appliance", appliance_id)
    d = appliance.details
    try:
        await authorize_insight(ctx, actor, d.customer_id, Permission.USE_FIELD_INSIGHTS)
    except NotFound:
        raise NotFound("appliance", appliance_id) from None
    view = await load_customer_view(ctx.views, d.customer_id, GROUNDING_CAP)
    jobs = _service_jobs(view, appliance_id)
    facts = ApplianceFacts(
        appliance_id,
        d.type,
        d.brand,
        d.model_number,
        d.installed_on,
        _last_service(appliance.last_service_date, jobs),
        jobs,
    )
    return await _predict(ctx, view, [facts])
