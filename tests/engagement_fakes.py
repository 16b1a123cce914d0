"""Fakes for the engagement passes: a scripted LlmClient answering each insight task from
its grounding, and the engagement context over fakes (the selections and the Customer View
are the real SQL, over a copy of the FakeDatabase: see `tests.sql_mirror`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

import msgspec

from adapters.cache.memory import MemoryCache
from application.engagement.engagement_context import EngagementContext
from application.insights.insight_context import InsightContext
from application.llm.gateway import LlmGateway
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt, Usage
from tests.fakes import FakeClock, FakeDatabase
from tests.sql_mirror import MirroredCustomerViewQuery, MirroredEngagementQueries

T = TypeVar("T")


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
        views=MirroredCustomerViewQuery(db), llm=gateway, clock=clock, uow=db.uow, shop_name="Fixit"
    )
    return EngagementContext(
        uow=db.uow,
        clock=clock,
        queries=MirroredEngagementQueries(db),
        insights=insights,
        maintenance_horizon=timedelta(days=horizon_days),
        survey_delay=survey_delay,
    )
