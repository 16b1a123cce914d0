"""Small field checks shared by the aggregates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import ValidationFailed
from domain.instant_range import OUT_OF_RANGE, within_range

T = TypeVar("T")
Check = Callable[[dict[str, str], str, Any], Any]
"""A field check: (errors, field name, value) -> the cleaned value; a failure is written
into `errors` under the field's name."""

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
ZONES = frozenset(available_timezones())
"""The time zone names the domain accepts (the HTTP schema lists the same)."""
# PostgreSQL text cannot hold NUL; refusing it here keeps that a 422, not a 500.
NUL_MESSAGE = "must not contain NUL characters"


def required_text(errors: dict[str, str], field: str, value: str, max_len: int) -> str:
    cleaned = value.strip()
    if not cleaned:
        errors[field] = "must not be blank"
    elif len(cleaned) > max_len:
        errors[field] = f"must be at most {max_len} characters"
    elif "\x00" in cleaned:
        errors[field] = NUL_MESSAGE
    return cleaned


def optional_text(
    errors: dict[str, str], field: str, value: str | None, max_len: int
) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > max_len:
        errors[field] = f"must be at most {max_len} characters"
    elif "\x00" in cleaned:
        errors[field] = NUL_MESSAGE
    return cleaned or None


def phone(errors: dict[str, str], field: str, value: str | None) -> str | None:
    if value is None:
        return None
    compact = re.sub(r"[\s\-().]", "", value)
    if not E164.match(compact):
        errors[field] = "must be an E.164 phone number such as +14155550123"
    return compact


def email(errors: dict[str, str], field: str, value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > 254 or "\x00" in cleaned or not EMAIL.match(cleaned):
        errors[field] = "must be an email address"
    return cleaned.lower() if cleaned else None


def instant(errors: dict[str, str], field: str, value: datetime) -> datetime:
    """An aware datetime within the supported years (domain.instant_range), normalised to
    UTC (how it is stored and returned)."""
    if value.tzinfo is None or value.utcoffset() is None:
        errors[field] = "must include a UTC offset"
        return value
    if not within_range(value):
        errors[field] = OUT_OF_RANGE
        return value
    return value.astimezone(UTC)  # cannot overflow within the range


def calendar_date(errors: dict[str, str], field: str, value: date | None) -> date | None:
    """A date (or none) within the supported years (domain.instant_range)."""
    if value is not None and not within_range(value):
        errors[field] = OUT_OF_RANGE
    return value


def time_zone(errors: dict[str, str], field: str, value: str) -> str:
    if value not in ZONES:
        errors[field] = "must be an IANA time zone such as America/New_York"
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        errors[field] = "must be an IANA time zone such as America/New_York"
    return value


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


def text(max_len: int) -> Check:
    """Required text of at most `max_len` characters, trimmed."""
    return partial(required_text, max_len=max_len)


def optional(max_len: int) -> Check:
    """Optional text of at most `max_len` characters, trimmed (blank: None)."""
    return partial(optional_text, max_len=max_len)


def positive(errors: dict[str, str], field: str, value: Any) -> Any:
    """An amount of money above zero."""
    if value.amount <= 0:
        errors[field] = "must be greater than zero"
    return value


def checked(value: T, **checks: Check) -> T:
    """A copy of the dataclass `value` with each named field cleaned by its check, or
    ValidationFailed naming every field that failed (in the order of `checks`)."""
    errors: dict[str, str] = {}
    cleaned = {name: check(errors, name, getattr(value, name)) for name, check in checks.items()}
    raise_if(errors)
    return replace(value, **cleaned)  # type: ignore[type-var]


def mask_phone(value: str | None) -> str:
    """A phone number safe for logs: country prefix and last two digits only."""
    if not value:
        return ""
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def mask_email(value: str | None) -> str:
    """An email address safe for logs: first letter and domain only."""
    if not value:
        return ""
    name, _, domain = value.partition("@")
    return f"{name[:1]}***@{domain}"
