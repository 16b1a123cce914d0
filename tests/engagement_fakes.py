"""Fakes for the engagement passes: their selection queries over a `FakeDatabase`, and a
scripted LlmClient answering each insight task from its grounding (the Customer View fake
is `tests.llm_fakes.FakeCustomerViewQuery`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import msgspec

from adapters.cache.memory import MemoryCache
from application.engagement.context import EngagementContext
from application.insights.context import InsightContext
from application.llm.gateway import LlmGateway
from application.ports.engagement import MaintenanceCandidate, SurveyCandidate
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt, Usage
from domain.attention import AttentionCriteria, AttentionReason, AttentionSignal
from domain.job import JobStatus
from domain.maintenance_alert import AlertStatus, reminder_key
from domain.survey import survey_key
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import FakeCustomerViewQuery

T = TypeVar("T")


class FakeEngagementQueries:
    """The three selections of `SqlEngagementQueries`, computed over a FakeDatabase."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.calls: Counter[str] = Counter()

    def _rows(self, table: str) -> list[Any]:
        return list(self._db.tables[table].values())

    def _keys(self) -> set[str]:
        return {m.idempotency_key for m in self._rows("messages")}

    async def customers_needing_attention(
        self, criteria: AttentionCriteria
    ) -> list[AttentionSignal]:
        self.calls["attention"] += 1
        c, low = criteria, criteria.low_rating_max
        R = AttentionReason
        signals: list[tuple[AttentionSignal, datetime]] = []
        jobs = self._rows("jobs")
        for j in jobs:
            done = j.completion_date
            if j.status is JobStatus.COMPLETED and done and c.recent_since <= done <= c.now:
                signal = AttentionSignal(j.details.customer_id, j.id, R.RECENT_COMPLETION, done)
                signals.append((signal, done))
        for rating in self._rows("reviews") + self._rows("technician_ratings"):
            at = rating.created_at
            if rating.rating <= low and c.rating_since <= at <= c.now:
                signal = AttentionSignal(rating.customer_id, rating.job_id, R.LOW_RATING, at)
                signals.append((signal, at))
        for f in self._rows("follow_ups"):
            at = f.follow_up_date or f.created_at
            rated = f.satisfaction_rating
            if rated is not None and rated <= low and c.rating_since <= at <= c.now:
                signal = AttentionSignal(f.customer_id, f.job_id, R.NEGATIVE_FEEDBACK, at)
                signals.append((signal, at))
        by_customer: dict[int, list[Any]] = {}
        for j in jobs:
            by_customer.setdefault(j.details.customer_id, []).append(j)
        for customer_id, own in by_customer.items():
            instants = [j.details.scheduled_for for j in own] + [j.created_at for j in own]
            instants += [j.completion_date for j in own if j.completion_date]
            spoken = any(
                m.customer_id == customer_id and m.sent_at and m.sent_at >= c.silent_before
                for m in self._rows("messages")
            )
            if max(instants) < c.silent_before and not spoken:
                latest = max(j.id for j in own)
                at = max(j.details.scheduled_for for j in own)
                signal = AttentionSignal(customer_id, latest, R.LONG_SILENCE, at)
                signals.append((signal, c.silent_before))
        suggested = [f for f in self._rows("follow_ups") if f.suggestion_key is not None]
        kept = [
            s
            for s, since in signals
            if not any(f.customer_id == s.customer_id and f.created_at >= since for f in suggested)
        ]
        return sorted(kept, key=lambda s: (s.customer_id, s.job_id, s.reason.value))

    async def appliances_for_maintenance(self, horizon_end: date) -> list[MaintenanceCandidate]:
        self.calls["maintenance"] += 1
        alerts = {a.appliance_id: a for a in self._rows("maintenance_alerts")}
        keys = self._keys()
        customers = self._db.tables["customers"]
        result = []
        for a in self._rows("appliances"):
            alert = alerts.get(a.id)
            predict = alert is None or a.updated_at > alert.updated_at
            remind = (
                alert is not None
                and alert.status is not AlertStatus.DONE
                and alert.due_date <= horizon_end
                and customers[a.details.customer_id].marketing_consent
                and reminder_key(a.id, alert.due_date) not in keys
            )
            if predict or remind:
                result.append(MaintenanceCandidate(a.id, a.details.customer_id, predict, remind))
        return sorted(result, key=lambda c: (c.customer_id, c.appliance_id))

    async def jobs_due_for_survey(
        self, completed_after: datetime, completed_before: datetime, limit: int
    ) -> list[SurveyCandidate]:
        self.calls["surveys"] += 1
        keys = self._keys()
        customers = self._db.tables["customers"]
        due = []
        for j in self._rows("jobs"):
            done = j.completion_date
            customer = customers[j.details.customer_id].details
            if (
                j.status is JobStatus.COMPLETED
                and done is not None
                and completed_after < done <= completed_before
                and (customer.phone or customer.email)
                and survey_key(j.id) not in keys
            ):
                due.append(SurveyCandidate(j.id, j.details.customer_id, done))
        return sorted(due, key=lambda s: (s.completion_date, s.job_id))[:limit]


class ScriptedLlm:
    """An LlmClient answering the engagement tasks from the prompt's grounding.

    Counts calls per task; `due_dates` overrides the maintenance baseline per appliance;
    `suggestions` is how many suggestions each customer gets; each call yields to the
    event loop once (so concurrent passes really interleave).
    """

    model = "scripted"

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.suggestions = 2
        self.due_dates: dict[int, date] = {}

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        self.calls[prompt.task] += 1
        await asyncio.sleep(0)
        answer = getattr(self, "_" + prompt.task.split(".")[0])(prompt.grounding)
        raw = msgspec.json.encode(answer)
        return LlmReply(spec.decode(raw), raw, Usage(self.model, 10, 10, 1.0))

    def _followup_suggestions(self, g: Mapping[str, Any]) -> dict[str, Any]:
        customer = g["customer"]
        return {
            "suggestions": [
                {
                    "action": f"Call {customer['name']} (idea {n})",
                    "reason": "Their last visit deserves a check-in.",
                    "channel": "SMS",
                    "suggested_time": None,
                    "priority": "high" if n == 1 else "low",
                    "sources": [f"customer:{customer['id']}"],
                }
                for n in range(1, self.suggestions + 1)
            ]
        }

    def _maintenance(self, g: Mapping[str, Any]) -> dict[str, Any]:
        predictions = []
        for a in g["appliances"]:
            due = self.due_dates.get(a["applianceId"])
            predictions.append(
                {
                    "appliance_id": a["applianceId"],
                    "due_date": due.isoformat() if due else a["baseline"]["dueDate"],
                    "confidence": 0.7,
                    "reason": "Service interval since the last visit.",
                    "sources": [f"appliance:{a['applianceId']}"],
                }
            )
        return {"predictions": predictions}

    def _survey(self, g: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "language": g["language"],
            "title": f"How did job {g['job']['id']} go?",
            "intro": "Three quick questions about your visit.",
            "questions": [
                {"id": "overall", "text": "How satisfied are you?", "kind": "rating"},
                {"id": "fixed", "text": "Is the problem fixed?", "kind": "yes_no"},
                {"id": "comments", "text": "Anything else?", "kind": "text"},
            ],
        }


def engagement_context(
    db: FakeDatabase,
    clock: FakeClock,
    llm: Any | None = None,
    *,
    horizon_days: int = 14,
    survey_delay: timedelta = timedelta(days=3),
) -> EngagementContext:
    """An EngagementContext over the fakes, with a real gateway and an in-memory cache."""
    gateway = LlmGateway(llm or ScriptedLlm(), MemoryCache(), ttl_seconds=3600)
    insights = InsightContext(
        views=FakeCustomerViewQuery(db), llm=gateway, clock=clock, uow=db.uow, shop_name="Fixit"
    )
    return EngagementContext(
        uow=db.uow,
        clock=clock,
        queries=FakeEngagementQueries(db),
        insights=insights,
        maintenance_horizon=timedelta(days=horizon_days),
        survey_delay=survey_delay,
    )
