"""Sentiment on the labelled service-feedback set (tests/evals/sentiment.jsonl).

Each line: id, text, label (positive / negative / neutral / mixed), split (dev: the rules
were tuned looking at these; holdout: never looked at line by line), and sometimes the
1-5 rating that came with it. Scored text only (the harder case) and with the rating.
Targets, on the text alone: polar accuracy (positive + negative lines) >= 90% and neutral
>= 80%, on the whole set and on the held-out part.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from adapters.llm.offline_sentiment import assess_item

DATA = Path(__file__).with_name("sentiment.jsonl")
LABELS = ("positive", "negative", "neutral", "mixed")
TARGET_POLAR = 0.90
TARGET_NEUTRAL = 0.80


@dataclass(frozen=True, slots=True)
class Scores:
    confusion: Counter[tuple[str, str]]  # (expected, predicted)

    def accuracy(self, *labels: str) -> float:
        total = sum(n for (e, _), n in self.confusion.items() if e in labels)
        right = sum(self.confusion[(label, label)] for label in labels)
        return right / total if total else float("nan")

    @property
    def lines(self) -> int:
        return sum(self.confusion.values())

    @property
    def passed(self) -> bool:
        return (
            self.accuracy("positive", "negative") >= TARGET_POLAR
            and self.accuracy("neutral") >= TARGET_NEUTRAL
        )


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def score(rows: list[dict[str, object]], with_rating: bool) -> Scores:
    confusion: Counter[tuple[str, str]] = Counter()
    for row in rows:
        rating = row.get("rating") if with_rating else None
        predicted = assess_item(str(row["text"]), rating if isinstance(rating, int) else None)
        confusion[(str(row["label"]), predicted.label)] += 1
    return Scores(confusion)


def _matrix(s: Scores) -> list[str]:
    lines = [f"  {'expected / predicted':<22}" + "".join(f"{p:>10}" for p in LABELS)]
    for e in LABELS:
        lines.append(f"  {e:<22}" + "".join(f"{s.confusion[(e, p)]:>10}" for p in LABELS))
    return lines


def _pct(value: float) -> str:
    return "   n/a" if value != value else f"{value:6.1%}"  # NaN: no line of that label


def _summary(name: str, s: Scores) -> str:
    return (
        f"  {name:<30} {s.lines:>4} lines  polar {_pct(s.accuracy('positive', 'negative'))}  "
        f"neutral {_pct(s.accuracy('neutral'))}  mixed {_pct(s.accuracy('mixed'))}  "
        f"all {_pct(s.accuracy(*LABELS))}"
    )


def report() -> tuple[str, bool]:
    rows = load()
    whole = score(rows, with_rating=False)
    holdout = score([r for r in rows if r["split"] == "holdout"], with_rating=False)
    dev = score([r for r in rows if r["split"] == "dev"], with_rating=False)
    rated = score([r for r in rows if "rating" in r], with_rating=True)
    rated_text = score([r for r in rows if "rating" in r], with_rating=False)
    lines = [f"Sentiment: {len(rows)} labelled service-feedback lines ({DATA.name})"]
    lines += _matrix(whole)
    lines += [
        _summary("all, text only", whole),
        _summary("dev (tuned on), text only", dev),
        _summary("holdout, text only", holdout),
        _summary("lines with a rating, text", rated_text),
        _summary("lines with a rating, +rating", rated),
    ]
    passed = whole.passed and holdout.passed
    lines.append(
        f"  target polar >= {TARGET_POLAR:.0%}, neutral >= {TARGET_NEUTRAL:.0%} "
        f"(all and holdout): {'PASS' if passed else 'FAIL'}"
    )
    return "\n".join(lines), passed
