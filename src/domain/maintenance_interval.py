"""When an appliance is next due for service: a fixed interval per kind, from its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.appliance import appliance_kind

SERVICE_INTERVAL_DAYS: dict[str, int] = {
    "hvac": 180,
    "refrigerator": 365,
    "freezer": 365,
    "washer": 365,
    "dryer": 365,  # the vent
    "dishwasher": 365,
    "water heater": 365,
    "oven": 730,
    "microwave": 730,
}
DEFAULT_INTERVAL_DAYS = 365
OLD_APPLIANCE_YEARS = 10  # from this age on, service comes a quarter sooner
NO_HISTORY_CONFIDENCE = 0.3
INSTALLED_ONLY_CONFIDENCE = 0.6
LAST_SERVICE_CONFIDENCE = 0.8


def service_interval_days(appliance_type: str, age_years: int | None = None) -> int:
    interval = SERVICE_INTERVAL_DAYS.get(appliance_kind(appliance_type), DEFAULT_INTERVAL_DAYS)
    if age_years is not None and age_years >= OLD_APPLIANCE_YEARS:
        interval = interval * 3 // 4
    return interval


def age_in_years(installed_on: date | None, today: date) -> int | None:
    if installed_on is None or installed_on > today:
        return None
    years = today.year - installed_on.year
    if (today.month, today.day) < (installed_on.month, installed_on.day):
        years -= 1
    return years


@dataclass(frozen=True, slots=True)
class DueEstimate:
    """The next service date: `anchor` (last service, else installation) plus the interval.

    Without either, an inspection is due today, with low confidence.
    """

    due: date
    confidence: float
    interval_days: int
    anchor: date | None
    overdue: bool
    reason: str

    def plausible(self, due: date) -> bool:
        """Whether another estimate of the due date is within reason of this one: not before
        the anchor (or a whole interval ago), not later than two intervals ahead."""
        span = timedelta(days=self.interval_days)
        earliest = self.anchor if self.anchor is not None else self.due - span
        latest = max(self.due, self.anchor or self.due) + 2 * span
        return earliest <= due <= latest


def estimate_due(
    appliance_type: str,
    installed_on: date | None,
    last_service: date | None,
    today: date,
) -> DueEstimate:
    age = age_in_years(installed_on, today)
    interval = service_interval_days(appliance_type, age)
    kind = appliance_kind(appliance_type)
    age_note = f"; {age} year(s) old" if age is not None else ""
    if last_service is not None:
        anchor, confidence, basis = last_service, LAST_SERVICE_CONFIDENCE, "last serviced"
    elif installed_on is not None:
        anchor, confidence, basis = installed_on, INSTALLED_ONLY_CONFIDENCE, "installed"
    else:
        unknown = f"no service history or installation date for this {kind}; "
        reason = unknown + "an inspection is recommended now"
        return DueEstimate(today, NO_HISTORY_CONFIDENCE, interval, None, False, reason)
    due = anchor + timedelta(days=interval)
    overdue = due < today
    state = "overdue since" if overdue else "due on"
    return DueEstimate(
        due=due,
        confidence=confidence,
        interval_days=interval,
        anchor=anchor,
        overdue=overdue,
        reason=f"{kind} {basis} {anchor.isoformat()}{age_note}; service every {interval} days, "
        f"so {state} {due.isoformat()}",
    )
