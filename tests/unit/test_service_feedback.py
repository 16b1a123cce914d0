"""Offline sentiment: the service-feedback rules over VADER, item by item."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.llm.offline_sentiment import assess_item
from domain.service_feedback import Assessment, assess, overall


def no_lexicon(_: str) -> float:
    return 0.0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Not good at all, the fridge is not cold", "negative"),
        ("Never had a problem, great job", "positive"),
        ("I would not recommend this company to anyone", "negative"),
        ("Couldn't be happier", "positive"),
        ("No complaints at all", "positive"),
        ("Didn't fix anything", "negative"),
        ("The washer broke again", "negative"),
        ("Still waiting for the refund", "negative"),
        ("The technician was two hours late", "negative"),
        ("Couldn't be worse", "negative"),
        ("The technician came on Tuesday", "neutral"),
        ("Friendly technician, but the fridge still isn't cold", "mixed"),
    ],
)
def test_service_idioms_read_right(text: str, label: str) -> None:
    assert assess_item(text, None).label == label


def test_the_service_cues_work_without_any_general_lexicon() -> None:
    assert assess("broke again", no_lexicon).label == "negative"
    assert assess("no complaints", no_lexicon).label == "positive"
    assert assess("nothing to say", no_lexicon).label == "neutral"
    assert "still waiting" in assess("still waiting for the refund", no_lexicon).cues


def test_the_rating_is_evidence() -> None:
    assert assess(None, no_lexicon, 5) == Assessment("positive", 1.0, ())
    assert assess("", no_lexicon, 1).label == "negative"
    factual = assess("The technician came on Tuesday", no_lexicon, 2)
    assert factual.label == "negative" and factual.score == -0.5
    # A five-star rating outweighs a grumble about the price: not mixed, positive.
    assert assess_item("Great work, but pricey", 5).label == "positive"


def test_overall_is_mixed_only_when_both_sides_are_there() -> None:
    good, bad = Assessment("positive", 0.8, ()), Assessment("negative", -0.7, ())
    assert overall([good, bad]).label == "mixed"
    assert overall([good, good]).label == "positive"
    assert overall([]) == Assessment("neutral", 0.0, ())


@given(st.text(max_size=200), st.one_of(st.none(), st.integers(1, 5)))
def test_any_text_gets_a_label_and_a_bounded_score(text: str, rating: int | None) -> None:
    result = assess_item(text, rating)
    assert result.label in {"positive", "negative", "neutral", "mixed"}
    assert -1 <= result.score <= 1
