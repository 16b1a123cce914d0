"""Deterministic answers built only from the grounding data (no model, no network).

One builder per task family (the task name without its version), each in its own module;
`OfflineLlmClient` looks the builder up here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.llm.offline_follow_up_suggestions import followup_suggestions
from adapters.llm.offline_greeting import greeting
from adapters.llm.offline_maintenance import maintenance
from adapters.llm.offline_profitability import profitability
from adapters.llm.offline_sentiment import sentiment
from adapters.llm.offline_survey import survey
from adapters.llm.offline_technician_match import technician_match
from adapters.llm.offline_timeline import timeline_summary

Builder = Callable[[Mapping[str, Any]], dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "timeline_summary": timeline_summary,
    "followup_suggestions": followup_suggestions,
    "greeting": greeting,
    "sentiment": sentiment,
    "profitability": profitability,
    "maintenance": maintenance,
    "technician_match": technician_match,
    "survey": survey,
}
