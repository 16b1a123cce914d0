"""Kaplan-Meier estimate of how long an appliance runs between two services.

Each observation is an interval in days: `observed` when the next service happened (the
interval ended), censored when the appliance is still running since its last service (it
lasted at least that long). The survival curve S(t) is the share of appliances not yet back
for service t days after the previous one; its median is the due estimate, with a confidence
interval from Greenwood's variance (the times where the pointwise band crosses one half, as
Brookmeyer and Crowley do).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959964


@dataclass(frozen=True, slots=True)
class Interval:
    days: int
    observed: bool  # True: the next service came after `days`; False: still running (censored)


@dataclass(frozen=True, slots=True)
class SurvivalStep:
    """S(t) just after `days`, and its Greenwood standard error."""

    days: int
    survival: float
    std_error: float


@dataclass(frozen=True, slots=True)
class MedianEstimate:
    """The median interval and its 95% interval; None where the data never reach one half
    (too few services observed)."""

    median: int | None
    low: int | None
    high: int | None
    events: int
    censored: int


def kaplan_meier(intervals: Sequence[Interval]) -> list[SurvivalStep]:
    """The product-limit curve at each distinct observed interval, ascending. Censored
    intervals at the same time as an event count as still at risk for it (the convention)."""
    events_at = Counter(i.days for i in intervals if i.observed)
    leaving_at = Counter(i.days for i in intervals)
    at_risk = len(intervals)
    steps: list[SurvivalStep] = []
    survival = 1.0
    greenwood = 0.0
    for t in sorted(leaving_at):
        events = events_at.get(t, 0)
        if events:
            survival *= 1 - events / at_risk
            if at_risk > events:
                greenwood += events / (at_risk * (at_risk - events))
            std_error = survival * math.sqrt(greenwood) if survival > 0 else 0.0
            steps.append(SurvivalStep(t, survival, std_error))
        at_risk -= leaving_at[t]
    return steps


def _survival_at(steps: Sequence[SurvivalStep], days: int) -> float:
    """S(days): the last step at or before `days` (1 before the first)."""
    value = 1.0
    for s in steps:
        if s.days > days:
            break
        value = s.survival
    return value


def _first_at_or_below(
    steps: Sequence[SurvivalStep], value: float, shift: float, after: int
) -> int | None:
    return next(
        (s.days for s in steps if s.days > after and s.survival + shift * s.std_error <= value),
        None,
    )


@dataclass(frozen=True, slots=True)
class Curve:
    """A group's Kaplan-Meier curve and how many intervals it rests on."""

    steps: tuple[SurvivalStep, ...]
    events: int
    censored: int

    @classmethod
    def of(cls, intervals: Sequence[Interval]) -> Curve:
        events = sum(1 for i in intervals if i.observed)
        return cls(tuple(kaplan_meier(intervals)), events, len(intervals) - events)


def median_interval(intervals: Sequence[Interval], elapsed: int = 0) -> MedianEstimate:
    """The median interval of an appliance that has already run `elapsed` days since its
    last service: the first time S(t) <= S(elapsed) / 2 (the plain median for 0), and the
    first times the lower / upper 95% bands do (None when they never get there)."""
    return median_on(Curve.of(intervals), elapsed)


def median_on(curve: Curve, elapsed: int = 0) -> MedianEstimate:
    """`median_interval` on a curve computed once."""
    steps, events = curve.steps, curve.events
    half = _survival_at(steps, elapsed) / 2
    return MedianEstimate(
        median=_first_at_or_below(steps, half, 0.0, elapsed),
        low=_first_at_or_below(steps, half, -Z_95, elapsed),
        high=_first_at_or_below(steps, half, Z_95, elapsed),
        events=events,
        censored=curve.censored,
    )
