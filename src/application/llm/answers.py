"""The answers the model must give, as msgspec Structs (their JSON Schema goes to the model)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

ShortText = Annotated[str, msgspec.Meta(max_length=500)]
Narrative = Annotated[str, msgspec.Meta(max_length=4000)]
SourceId = Annotated[str, msgspec.Meta(pattern=r"^[a-z_]+:[0-9]+$", max_length=40)]
Sources = Annotated[list[SourceId], msgspec.Meta(max_length=200)]
Unit = Annotated[float, msgspec.Meta(ge=0, le=1)]
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
Language = Annotated[str, msgspec.Meta(pattern=LANGUAGE_TAG, max_length=35)]


class Answer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every answer: unknown fields are refused, so a drifting model is caught."""


class TimelineSummary(Answer):
    summary: Narrative
    highlights: Annotated[list[ShortText], msgspec.Meta(max_length=5)]
    sources: Sources


class Suggestion(Answer):
    """`suggested_time`: ISO 8601 with offset, in the customer's local time (None: no time)."""

    action: ShortText
    reason: ShortText
    channel: Literal["WHATSAPP", "EMAIL", "PHONE", "SMS"]
    suggested_time: Annotated[str, msgspec.Meta(max_length=40)] | None
    priority: Literal["high", "medium", "low"]
    sources: Sources


class FollowUpSuggestions(Answer):
    suggestions: Annotated[list[Suggestion], msgspec.Meta(max_length=5)]


class Greeting(Answer):
    """`language`: the BCP 47 tag of the language `text` is actually written in."""

    language: Language
    text: Annotated[str, msgspec.Meta(max_length=1000)]


class SentimentItem(Answer):
    item_id: SourceId
    label: Literal["positive", "neutral", "negative"]
    score: Annotated[float, msgspec.Meta(ge=-1, le=1)]


class Sentiment(Answer):
    label: Literal["positive", "neutral", "negative", "mixed"]
    score: Annotated[float, msgspec.Meta(ge=-1, le=1)]
    items: Annotated[list[SentimentItem], msgspec.Meta(max_length=500)]
    summary: ShortText


class StatedFigures(Answer):
    currency: str
    revenue: str
    expenses: str
    net: str


class Profitability(Answer):
    figures: StatedFigures
    explanation: Narrative
    recommendations: Annotated[list[ShortText], msgspec.Meta(max_length=5)]
    sources: Sources


IsoDate = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class MaintenancePrediction(Answer):
    """`due_low`..`due_high`: the 95% interval of the due date from the shop's history (null
    when it is too thin); `observations`: the service intervals it rests on; `basis`: what
    the interval comes from. These come from the history, whatever a model says."""

    appliance_id: int
    due_date: IsoDate
    confidence: Unit
    reason: ShortText
    sources: Sources
    due_low: IsoDate | None = None
    due_high: IsoDate | None = None
    observations: Annotated[int, msgspec.Meta(ge=0)] = 0
    basis: Literal["brand", "kind", "history_and_prior", "fixed_interval"] = "fixed_interval"


class MaintenancePredictions(Answer):
    predictions: Annotated[list[MaintenancePrediction], msgspec.Meta(max_length=200)]


class RankedTechnician(Answer):
    technician_id: int
    score: Unit
    reason: ShortText


class TechnicianRanking(Answer):
    ranking: Annotated[list[RankedTechnician], msgspec.Meta(max_length=50)]


class SurveyQuestion(Answer):
    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9_]{1,30}$")]
    text: ShortText
    kind: Literal["rating", "text", "yes_no"]


class Survey(Answer):
    """`language`: the BCP 47 tag of the language the survey is actually written in."""

    language: Language
    title: ShortText
    intro: ShortText
    questions: Annotated[list[SurveyQuestion], msgspec.Meta(min_length=1, max_length=6)]
