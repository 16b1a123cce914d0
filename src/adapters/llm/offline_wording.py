"""Wording rules the offline answers share: length limits and the languages their templates
cover."""

from __future__ import annotations

SHORT = 500
LANGUAGES = ("en", "es", "fr", "de", "pt")


def shorten(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def template_language(tag: str) -> str:
    """The builder's language for a BCP 47 tag: its primary subtag when the tables have it,
    else English."""
    base = tag.split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def written_in(tag: str) -> str:
    """The tag to report: the customer's own when the tables cover it, else "en"."""
    return tag if template_language(tag) != "en" or tag.lower().startswith("en") else "en"
