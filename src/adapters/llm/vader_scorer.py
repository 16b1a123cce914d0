"""The general-purpose polarity under offline sentiment: VADER's compound score (-1..1).

vaderSentiment ships its lexicon inside the package, so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def vader_compound(text: str) -> float:
    """VADER's normalised compound score of `text`: -1 (negative) .. 1 (positive)."""
    return float(_analyzer().polarity_scores(text)["compound"])
