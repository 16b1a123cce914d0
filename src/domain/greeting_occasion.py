"""Which greeting a customer is due, decided from the clock and their records alone."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WELCOME_DAYS = 14
THANK_YOU_DAYS = 7
ANNIVERSARY_WINDOW_DAYS = 3
SEASONAL_MONTHS = frozenset({3, 4, 9, 10})  # spring and autumn maintenance seasons
SEASONAL_SERVICE_GAP_DAYS = 150


class Occasion(enum.StrEnum):
    NEW_CUSTOMER_WELCOME = "NEW_CUSTOMER_WELCOME"
    THANK_YOU = "THANK_YOU"
    SERVICE_ANNIVERSARY = "SERVICE_ANNIVERSARY"
    SEASONAL_MAINTENANCE = "SEASONAL_MAINTENANCE"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class CompletedService:
    job_id: int
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class GreetingDecision:
    """The occasion, the job it is about (if any), and the years of an anniversary."""

    occasion: Occasion
    reason: str
    job_id: int | None = None
    years: int | None = None


def _anniversary(first: date, year: int) -> date:
    try:
        return first.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def decide_occasion(
    now: datetime,
    zone: str,
    customer_since: datetime,
    completed: Sequence[CompletedService],
    serviced_at: Sequence[datetime] = (),
) -> GreetingDecision:
    """The first occasion that applies, in this order:

    1. NEW_CUSTOMER_WELCOME: the customer was created at most 14 days ago and no job of
       theirs is completed;
    2. THANK_YOU: a job was completed in the last 7 days (about the most recent one);
    3. SERVICE_ANNIVERSARY: today (in the customer's time zone) is within 3 days of a yearly
       anniversary, one year or more on, of their first completed job;
    4. SEASONAL_MAINTENANCE: it is March, April, September or October where the customer
       lives and nothing was serviced (completed jobs, appliances' `serviced_at`) in the
       last 150 days;
    5. NONE otherwise.

    All instants are timezone-aware.
    """
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    if not completed and now - customer_since <= timedelta(days=WELCOME_DAYS):
        return GreetingDecision(
            Occasion.NEW_CUSTOMER_WELCOME,
            f"customer for at most {WELCOME_DAYS} days with no completed job",
        )
    recent = [s for s in completed if now - s.completed_at <= timedelta(days=THANK_YOU_DAYS)]
    if recent:
        latest = max(recent, key=lambda s: (s.completed_at, s.job_id))
        return GreetingDecision(
            Occasion.THANK_YOU,
            f"job {latest.job_id} was completed in the last {THANK_YOU_DAYS} days",
            job_id=latest.job_id,
        )
    if completed:
        first = min(completed, key=lambda s: (s.completed_at, s.job_id))
        first_day = first.completed_at.astimezone(tz).date()
        for year in (today.year - 1, today.year, today.year + 1):
            years = year - first_day.year
            distance = abs((today - _anniversary(first_day, year)).days)
            if years >= 1 and distance <= ANNIVERSARY_WINDOW_DAYS:
                return GreetingDecision(
                    Occasion.SERVICE_ANNIVERSARY,
                    f"{years} year(s) since the first completed job ({first_day.isoformat()})",
                    job_id=first.job_id,
                    years=years,
                )
    if today.month in SEASONAL_MONTHS:
        services = [s.completed_at for s in completed] + list(serviced_at)
        gap = timedelta(days=SEASONAL_SERVICE_GAP_DAYS)
        if not any(now - at <= gap for at in services):
            return GreetingDecision(
                Occasion.SEASONAL_MAINTENANCE,
                f"maintenance season and no service in the last {SEASONAL_SERVICE_GAP_DAYS} days",
            )
    return GreetingDecision(Occasion.NONE, "no occasion applies today")
