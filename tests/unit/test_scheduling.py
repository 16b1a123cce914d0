"""Claiming and enqueueing periods: once per period, however many schedulers, across outages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.scheduling import (
    PeriodicJob,
    enqueue_due_period,
    parse_period_key,
    period_key,
)
from entrypoints.workers.schedule import CronSchedule
from tests.fakes import FakeClock


class FakePeriodClaims:
    """Like the table: a claim held by one caller makes the others wait, then lose (or win
    if the holder rolled back)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}
        self._held: dict[tuple[str, str], asyncio.Event] = {}

    @asynccontextmanager
    async def claim(
        self, job_name: str, key: str, claimed_by: str, claimed_at: datetime
    ) -> AsyncIterator[bool]:
        row = (job_name, key)
        while row in self._held:
            await self._held[row].wait()
        if row in self.rows:
            yield False
            return
        released = self._held[row] = asyncio.Event()
        try:
            await asyncio.sleep(0)  # let a concurrent claimant arrive while this one is held
            yield True
            self.rows[row] = claimed_by
        finally:
            del self._held[row]
            released.set()

    async def latest(self, job_name: str) -> str | None:
        keys = [key for job, key in self.rows if job == job_name]
        return max(keys) if keys else None


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.enqueued: list[tuple[str, str]] = []
        self.fail_times = fail_times

    async def __call__(self, job_name: str, key: str) -> None:
        await asyncio.sleep(0)
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("broker down")
        self.enqueued.append((job_name, key))


EVERY_TEN = PeriodicJob("job", CronSchedule("*/10 * * * *", ZoneInfo("UTC")).next_fire)
T0 = datetime(2026, 11, 25, 7, 3, 20, tzinfo=UTC)


def test_period_keys_are_utc_iso_and_sort_like_instants() -> None:
    berlin = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert period_key(berlin) == "2026-11-25T07:00:00+00:00"
    assert parse_period_key(period_key(berlin)) == berlin
    instants = [T0 + timedelta(minutes=m) for m in (-700_000, -3, 0, 59, 1_000_000)]
    assert sorted(period_key(i) for i in instants) == [period_key(i) for i in sorted(instants)]
    with pytest.raises(ValueError):
        period_key(datetime(2026, 1, 1))


async def test_the_latest_period_is_enqueued_once() -> None:
    claims, enqueue, clock = FakePeriodClaims(), Recorder(), FakeClock(T0)
    assert await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "a") == (
        "2026-11-25T07:00:00+00:00"
    )
    assert await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "b") is None
    clock.set(T0 + timedelta(minutes=7))  # 07:10:20
    await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "b")
    assert enqueue.enqueued == [
        ("job", "2026-11-25T07:00:00+00:00"),
        ("job", "2026-11-25T07:10:00+00:00"),
    ]
    assert claims.rows[("job", "2026-11-25T07:10:00+00:00")] == "b"


async def test_concurrent_schedulers_enqueue_each_period_once() -> None:
    claims, enqueue, clock = FakePeriodClaims(), Recorder(), FakeClock(T0)
    results = await asyncio.gather(
        *(enqueue_due_period(EVERY_TEN, claims, clock, enqueue, f"s{i}") for i in range(5))
    )
    assert enqueue.enqueued == [("job", "2026-11-25T07:00:00+00:00")]
    assert sorted(r is not None for r in results) == [False] * 4 + [True]


async def test_a_failed_enqueue_releases_the_claim_for_the_next_pass() -> None:
    claims, enqueue, clock = FakePeriodClaims(), Recorder(fail_times=1), FakeClock(T0)
    with pytest.raises(ConnectionError):
        await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "a")
    assert claims.rows == {}
    clock.advance(timedelta(seconds=30))
    assert await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "a") is not None
    assert enqueue.enqueued == [("job", "2026-11-25T07:00:00+00:00")]


async def test_a_later_claim_elsewhere_is_never_undercut() -> None:
    """A scheduler whose clock lags does not enqueue a period before one already claimed."""
    claims, enqueue, clock = FakePeriodClaims(), Recorder(), FakeClock(T0)
    claims.rows[("job", "2026-11-25T07:10:00+00:00")] = "ahead"
    assert await enqueue_due_period(EVERY_TEN, claims, clock, enqueue, "behind") is None
    assert enqueue.enqueued == []


SCHEDULES = [
    ("*/10 * * * *", "UTC"),
    ("0 7 * * *", "Europe/Berlin"),
    ("30 2 * * *", "Europe/Berlin"),  # skipped in spring, twice in autumn
    ("*/15 * * * *", "America/New_York"),
    ("0 9 * * 1-5", "Asia/Kolkata"),
]


def _all_fires(schedule: CronSchedule, start: datetime, end: datetime) -> list[datetime]:
    fires, t = [], start
    while (fire := schedule.next_fire(t)) is not None and fire <= end:
        fires.append(fire)
        t = fire + timedelta(seconds=1)
    return fires


@settings(max_examples=40, deadline=None)
@given(
    schedule_spec=st.sampled_from(SCHEDULES),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 20), timezones=st.just(UTC)
    ),
    segments=st.lists(
        st.tuples(st.integers(0, 3 * 24 * 60), st.integers(0, 8 * 60)),
        min_size=1,
        max_size=4,
    ),
    schedulers=st.integers(1, 3),
)
async def test_outages_are_caught_up_once_and_nothing_is_doubled(
    schedule_spec: tuple[str, str],
    start: datetime,
    segments: list[tuple[int, int]],
    schedulers: int,
) -> None:
    """Down for a while, up for a while, again and again: every period that falls while a
    scheduler runs is enqueued once; of those missed while all were down, only the latest,
    once, when they come back."""
    expression, zone = schedule_spec
    schedule = CronSchedule(expression, ZoneInfo(zone))
    job = PeriodicJob("job", schedule.next_fire)
    claims, enqueue = FakePeriodClaims(), Recorder()
    expected: list[datetime] = []
    t = start
    for down_minutes, up_minutes in segments:
        t += timedelta(minutes=down_minutes)
        up_until = t + timedelta(minutes=up_minutes)
        clocks = [FakeClock(t) for _ in range(schedulers)]
        # Start: every scheduler runs its catch-up pass at once.
        await asyncio.gather(
            *(enqueue_due_period(job, claims, c, enqueue, f"s{i}") for i, c in enumerate(clocks))
        )
        missed = _all_fires(schedule, t - timedelta(days=4), t)[-1:]
        if missed and (not expected or missed[0] > expected[-1]):
            expected.append(missed[0])
        # Up: each fire, seen by every scheduler (a little late, in any order).
        for fire in _all_fires(schedule, t + timedelta(microseconds=1), up_until):
            for i, clock in enumerate(clocks):
                clock.set(fire + timedelta(milliseconds=37 * i))
            await asyncio.gather(
                *(
                    enqueue_due_period(job, claims, c, enqueue, f"s{i}")
                    for i, c in enumerate(clocks)
                )
            )
            expected.append(fire)
        t = up_until
    keys = [key for _, key in enqueue.enqueued]
    assert len(keys) == len(set(keys)), "a period was enqueued twice"
    assert keys == [period_key(fire) for fire in expected]
