"""The service interval learned from the shop's own history, per appliance kind and brand.

Every appliance with completed services gives intervals between consecutive services
(observed) and one from its last service to today (censored: still running). The
Kaplan-Meier median of a group is its interval: the brand's group (kind + brand) when it
has enough observed intervals, else the kind's. With too few, the fixed interval per kind
(`domain.maintenance_interval`) is the prior, blended with what history there is — and the
answer says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from domain.appliance import appliance_kind
from domain.maintenance_interval import (
    INSTALLED_ONLY_CONFIDENCE,
    LAST_SERVICE_CONFIDENCE,
    NO_HISTORY_CONFIDENCE,
    DueEstimate,
    age_in_years,
    service_interval_days,
)
from domain.service_survival import Curve, Interval, MedianEstimate, median_on

MIN_BRAND_EVENTS = 10  # observed intervals from which a brand has its own estimate
MIN_KIND_EVENTS = 8  # ... and a kind
PRIOR_WEIGHT = 4  # the fixed interval counts as this many observations when data is thin
MIN_INTERVAL_DAYS = 7  # two services closer than this are one visit (a call-back)


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """One completed service of one appliance."""

    appliance_id: int
    appliance_type: str
    brand: str | None
    serviced_on: date


GroupKey = tuple[str, str | None]  # (kind, brand lower-cased, or None for the whole kind)


def brand_key(brand: str | None) -> str | None:
    return " ".join(brand.lower().split()) or None if brand else None


def intervals_by_group(
    records: Iterable[ServiceRecord], today: date
) -> dict[GroupKey, list[Interval]]:
    """Observed and censored intervals per (kind, None) and (kind, brand)."""
    by_appliance: dict[int, list[ServiceRecord]] = defaultdict(list)
    for r in records:
        by_appliance[r.appliance_id].append(r)
    groups: dict[GroupKey, list[Interval]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for services in by_appliance.values():
        first = services[0]
        kind = kinds.get(first.appliance_type) or kinds.setdefault(
            first.appliance_type, appliance_kind(first.appliance_type)
        )
        keys = [(kind, None)] + ([(kind, b)] if (b := brand_key(first.brand)) else [])
        dates = sorted({s.serviced_on for s in services if s.serviced_on <= today})
        intervals: list[Interval] = []
        previous: date | None = None
        for d in dates:
            if previous is not None and (d - previous).days >= MIN_INTERVAL_DAYS:
                intervals.append(Interval((d - previous).days, True))
                previous = d
            elif previous is None:
                previous = d
        if previous is not None and (today - previous).days > 0:
            intervals.append(Interval((today - previous).days, False))
        for key in keys:
            groups[key] += intervals
    return dict(groups)


class ServiceHistory:
    """The shop's intervals per group, each group's curve computed once, when first asked."""

    def __init__(self, groups: dict[GroupKey, list[Interval]]) -> None:
        self._groups = groups
        self._curves: dict[GroupKey, Curve] = {}

    @classmethod
    def of(cls, records: Iterable[ServiceRecord], today: date) -> ServiceHistory:
        return cls(intervals_by_group(records, today))

    def median(self, key: GroupKey, elapsed: int) -> MedianEstimate:
        curve = self._curves.get(key)
        if curve is None:
            curve = self._curves[key] = Curve.of(self._groups.get(key, []))
        return median_on(curve, elapsed)


@dataclass(frozen=True, slots=True)
class LearnedInterval:
    """The interval to use, its 95% interval, and what it rests on.

    `basis`: "brand" or "kind" (the shop's history alone), "history_and_prior" (thin history
    blended with the fixed interval), "fixed_interval" (no usable history).
    """

    days: int
    low: int | None
    high: int | None
    observations: int
    censored: int
    basis: str
    note: str


def learned_interval(
    history: ServiceHistory,
    appliance_type: str,
    brand: str | None,
    prior_days: int,
    elapsed: int = 0,
) -> LearnedInterval:
    """The interval for an appliance `elapsed` days after its last service: the median of
    similar appliances that ran at least that long (Kaplan-Meier, conditional on `elapsed`)."""
    kind = appliance_kind(appliance_type)
    b = brand_key(brand)
    if b is not None:
        est = history.median((kind, b), elapsed)
        if est.events >= MIN_BRAND_EVENTS and est.median is not None:
            note = f"median of {est.events} service intervals of {brand} {kind}s in this shop"
            return LearnedInterval(
                est.median, est.low, est.high, est.events, est.censored, "brand", note
            )
    est = history.median((kind, None), elapsed)
    if est.events >= MIN_KIND_EVENTS and est.median is not None:
        note = f"median of {est.events} service intervals of {kind}s in this shop"
        return LearnedInterval(
            est.median, est.low, est.high, est.events, est.censored, "kind", note
        )
    if est.events and est.median is not None:
        days = round(
            (est.events * est.median + PRIOR_WEIGHT * prior_days) / (est.events + PRIOR_WEIGHT)
        )
        note = (
            f"only {est.events} service interval(s) of {kind}s in this shop: blended with the "
            f"usual {prior_days}-day interval"
        )
        return LearnedInterval(
            days, None, None, est.events, est.censored, "history_and_prior", note
        )
    note = (
        f"too little service history of {kind}s in this shop: the usual {prior_days}-day interval"
    )
    return LearnedInterval(prior_days, None, None, est.events, est.censored, "fixed_interval", note)


def estimate_from_history(
    learned: LearnedInterval, installed_on: date | None, last_service: date | None, today: date
) -> DueEstimate:
    """The due date from the last service (else installation) plus the learned interval."""
    anchor = last_service or installed_on
    if anchor is None:
        reason = f"no service history or installation date; {learned.note}; inspect now"
        return DueEstimate(today, NO_HISTORY_CONFIDENCE, learned.days, None, False, reason)
    due = anchor + timedelta(days=learned.days)
    if learned.low is not None and learned.high is not None and learned.days > 0:
        spread = (learned.high - learned.low) / (2 * learned.days)
        confidence = max(0.3, min(0.95, 1 - spread))
    elif learned.basis == "fixed_interval":  # as the fixed rule always said
        confidence = LAST_SERVICE_CONFIDENCE
    else:
        confidence = 0.5
    if last_service is None:
        confidence = min(confidence, INSTALLED_ONLY_CONFIDENCE)
    basis = "last serviced" if last_service else "installed"
    window = (
        f" (95% between {(anchor + timedelta(days=learned.low)).isoformat()} and "
        f"{(anchor + timedelta(days=learned.high)).isoformat()})"
        if learned.low is not None and learned.high is not None
        else ""
    )
    state = "overdue since" if due < today else "due on"
    reason = (
        f"{basis} {anchor.isoformat()}; {learned.note}: every {learned.days} days, so {state} "
        f"{due.isoformat()}{window}"
    )
    return DueEstimate(due, round(confidence, 2), learned.days, anchor, due < today, reason)


def due_window(learned: LearnedInterval, anchor: date | None) -> tuple[date, date] | None:
    """The 95% interval of the due date, when the history gives one."""
    if anchor is None or learned.low is None or learned.high is None:
        return None
    return anchor + timedelta(days=learned.low), anchor + timedelta(days=learned.high)


def fixed_rule_days(appliance_type: str, installed_on: date | None, today: date) -> int:
    """The fixed interval per kind (a quarter shorter past ten years): the prior."""
    return service_interval_days(appliance_type, age_in_years(installed_on, today))
