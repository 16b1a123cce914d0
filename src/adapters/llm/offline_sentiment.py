"""Offline sentiment: a review's rating and a tiny lexicon (en/es/fr/de/pt) scored per item
and overall."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A tiny lexicon (en/es/fr/de/pt), enough for a deterministic offline answer.
_POSITIVE = """
great excellent good friendly fast quick professional helpful recommend thanks thank happy
perfect polite clean amazing fixed punctual satisfied love wonderful excelente bueno rápido
amable gracias genial parfait merci rapide super gut danke schnell freundlich ótimo obrigado
obrigada
"""
_NEGATIVE = """
bad poor late rude slow expensive broken terrible awful dirty unhappy disappointed worst
problem leaking leak again never overpriced unprofessional noisy still malo lento caro roto
mauvais cher lent schlecht teuer langsam ruim
"""
POSITIVE_WORDS = frozenset(_POSITIVE.split())
NEGATIVE_WORDS = frozenset(_NEGATIVE.split())
WORD = re.compile(r"[^\W\d_]+")


def text_score(text: str | None) -> float | None:
    """(positive - negative) / (positive + negative) over a small lexicon; None: no signal."""
    if not text:
        return None
    words = [w.lower() for w in WORD.findall(text)]
    pos = sum(w in POSITIVE_WORDS for w in words)
    neg = sum(w in NEGATIVE_WORDS for w in words)
    return (pos - neg) / (pos + neg) if pos + neg else None


def rating_score(rating: int | None) -> float | None:
    """1 -> -1, 2 -> -0.5, 3 -> 0, 4 -> 0.5, 5 -> 1."""
    return None if rating is None else (rating - 3) / 2


def _label(score: float) -> str:
    return "positive" if score > 0.25 else "negative" if score < -0.25 else "neutral"


def sentiment(g: Mapping[str, Any]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for item in g["items"]:
        signals = [
            s for s in (rating_score(item["rating"]), text_score(item["text"])) if s is not None
        ]
        score = round(sum(signals) / len(signals), 3) if signals else 0.0
        results.append({"item_id": item["itemId"], "label": _label(score), "score": score})
    if not results:
        return {
            "label": "neutral",
            "score": 0.0,
            "items": [],
            "summary": "No reviews, ratings or feedback on record.",
        }
    overall = round(sum(r["score"] for r in results) / len(results), 3)
    labels = [r["label"] for r in results]
    mixed = "positive" in labels and "negative" in labels and abs(overall) < 0.5
    counts = {name: labels.count(name) for name in ("positive", "neutral", "negative")}
    return {
        "label": "mixed" if mixed else _label(overall),
        "score": overall,
        "items": results,
        "summary": f"{len(results)} item(s): {counts['positive']} positive, "
        f"{counts['neutral']} neutral, {counts['negative']} negative.",
    }
