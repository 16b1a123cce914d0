"""Kaplan-Meier over service intervals, and the interval learned from the shop's history."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.maintenance_history import (
    ServiceHistory,
    ServiceRecord,
    estimate_from_history,
    learned_interval,
)
from domain.service_survival import Interval, kaplan_meier, median_interval

intervals = st.lists(
    st.builds(Interval, st.integers(1, 2000), st.booleans()), min_size=1, max_size=60
)


@given(intervals)
def test_survival_never_increases_and_stays_within_0_and_1(data: list[Interval]) -> None:
    curve = kaplan_meier(data)
    values = [s.survival for s in curve]
    assert all(0 <= v <= 1 for v in values)
    assert values == sorted(values, reverse=True)
    assert [s.days for s in curve] == sorted({i.days for i in data if i.observed})


@given(intervals, st.integers(0, 2000))
def test_the_median_lies_within_its_interval_and_after_the_time_already_run(
    data: list[Interval], elapsed: int
) -> None:
    est = median_interval(data, elapsed)
    if est.median is not None:
        assert est.median > elapsed
        assert est.low is not None and est.low <= est.median
        if est.high is not None:
            assert est.median <= est.high
    assert est.events + est.censored == len(data)


def test_without_censoring_the_median_is_the_sample_median() -> None:
    data = [Interval(d, True) for d in (100, 200, 300, 400, 500)]
    assert median_interval(data).median == 300
    assert median_interval([Interval(100, False)]).median is None  # still running: unknown


def test_censored_appliances_push_the_median_later() -> None:
    observed = [Interval(d, True) for d in (100, 150, 200)]
    running = [Interval(400, False)] * 3
    plain, censored = median_interval(observed), median_interval(observed + running)
    assert plain.median == 150
    assert censored.median is not None and censored.median > 150


def _history(
    kind: str, brand: str, every: int, appliances: int, first_id: int = 0
) -> list[ServiceRecord]:
    start = date(2020, 1, 1)
    return [
        ServiceRecord(first_id + n, kind, brand, start + timedelta(days=k * every + n))
        for n in range(appliances)
        for k in range(4)
    ]


def test_enough_history_gives_the_brand_or_kind_interval() -> None:
    today = date(2024, 1, 1)
    history = _history("Fridge", "LG", 200, 6) + _history("refrigerator", "Bosch", 500, 3, 100)
    groups = ServiceHistory.of(history, today)
    lg = learned_interval(groups, "fridge", "lg", 365)
    assert (lg.days, lg.basis, lg.observations) == (200, "brand", 18)
    other = learned_interval(groups, "refrigerator", "Samsung", 365)
    assert other.basis == "kind" and other.observations == 24  # a 4th Bosch service is after today


def test_thin_history_leans_on_the_fixed_interval_and_says_so() -> None:
    groups = ServiceHistory.of(_history("oven", "GE", 100, 1), date(2021, 1, 1))
    learned = learned_interval(groups, "oven", "GE", 730)
    assert learned.basis == "history_and_prior" and learned.observations == 3
    assert 100 < learned.days < 730 and "blended with the usual 730-day" in learned.note
    nothing = learned_interval(ServiceHistory({}), "microwave", None, 730)
    assert (nothing.days, nothing.basis) == (730, "fixed_interval")
    due = estimate_from_history(nothing, None, date(2023, 1, 1), date(2023, 6, 1))
    assert due.due == date(2024, 12, 31) and "usual 730-day interval" in due.reason
