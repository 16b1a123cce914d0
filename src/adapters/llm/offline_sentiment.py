"""Offline sentiment: VADER's general lexicon per clause, corrected by the service-feedback
rules of `domain.service_feedback` (repairs that did not hold, refunds, lateness, idioms), with
the item's 1-5 rating as evidence; per item and overall."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.llm.vader_scorer import vader_compound
from domain.service_feedback import Assessment, assess, overall


def assess_item(text: str | None, rating: int | None) -> Assessment:
    """One feedback item: its text through VADER and the service rules, and its rating."""
    return assess(text, vader_compound, rating)


def _item_label(a: Assessment) -> str:
    """An item's label is one of three: a mixed item reads as its leaning (neutral if none)."""
    if a.label != "mixed":
        return a.label
    return "positive" if a.score > 0.1 else "negative" if a.score < -0.1 else "neutral"


def sentiment(g: Mapping[str, Any]) -> dict[str, Any]:
    assessed = [(item["itemId"], assess_item(item["text"], item["rating"])) for item in g["items"]]
    if not assessed:
        return {
            "label": "neutral",
            "score": 0.0,
            "items": [],
            "summary": "No reviews, ratings or feedback on record.",
        }
    results = [
        {"item_id": item_id, "label": _item_label(a), "score": a.score} for item_id, a in assessed
    ]
    total = overall([a for _, a in assessed])
    counts = {
        name: sum(a.label == name for _, a in assessed)
        for name in ("positive", "neutral", "negative", "mixed")
    }
    return {
        "label": total.label,
        "score": total.score,
        "items": results,
        "summary": f"{len(results)} item(s): {counts['positive']} positive, "
        f"{counts['neutral']} neutral, {counts['negative']} negative, {counts['mixed']} mixed.",
    }
