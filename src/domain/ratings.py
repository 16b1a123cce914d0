"""Ratings on a 1-5 scale, shared by reviews, technician ratings and follow-ups."""

from __future__ import annotations

from domain.errors import ValidationFailed

MIN_RATING = 1
MAX_RATING = 5


def check_rating(value: int, field: str = "rating") -> int:
    if isinstance(value, bool) or not MIN_RATING <= value <= MAX_RATING:
        raise ValidationFailed.single(
            field, f"must be a whole number from {MIN_RATING} to {MAX_RATING}"
        )
    return value
