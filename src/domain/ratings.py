"""Ratings on a 1-5 scale, shared by reviews, technician ratings and follow-ups."""

from __future__ import annotations

from domain.errors import ValidationFailed

MIN_RATING = 1
MAX_RATING = 5


def check_rating(value: int, field: str = "rating") -> int:
    # bool is an int subclass; 3.5 or "3" is not a whole number (and "3" would not compare).
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or not MIN_RATING <= value <= MAX_RATING:
        raise ValidationFailed.single(
            field, f"must be a whole number from {MIN_RATING} to {MAX_RATING}"
        )
    return value
