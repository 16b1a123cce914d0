"""Periodic jobs: which period is due, claimed exactly once, then enqueued.

The schedule itself (cron strings, the scheduler library) lives in the entrypoints; this
module sees a schedule only as `next_fire(t)`: the first fire time at or after `t`.

Rules (`periods_to_enqueue`):
- the period of a run is its scheduled fire time, as a UTC instant; its key is that instant
  in ISO 8601 (`2026-11-25T07:00:00+00:00`), which sorts like the instants;
- at any moment at most ONE period is due: the latest fire time at or before now. Runs
  missed while nothing was running are caught up once (the latest missed one), never one
  by one;
- a period at or before the latest claimed one is never enqueued again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from application.ports.clock import Clock
from application.ports.period_claims import PeriodClaims

log = logging.getLogger(__name__)

NextFire = Callable[[datetime], datetime | None]
"""First fire time at or after the given instant (aware), or None when there is none."""

#: How far back `latest_fire_at_or_before` looks for a past fire time (covers cron
#: strings that fire once a year, or on 29 February).
LOOKBACK = timedelta(days=366 * 8 + 2)
_FIRST_STEP = timedelta(minutes=2)
_TINY = timedelta(microseconds=1)


def period_key(fire_time: datetime) -> str:
    """The claim key of a run: its fire time as UTC ISO 8601, to the second."""
    if fire_time.tzinfo is None:
        raise ValueError("fire times must be timezone-aware")
    return fire_time.astimezone(UTC).isoformat(timespec="seconds")


def parse_period_key(key: str) -> datetime:
    return datetime.fromisoformat(key).astimezone(UTC)


def latest_fire_at_or_before(
    next_fire: NextFire, now: datetime, lookback: timedelta = LOOKBACK
) -> datetime | None:
    """The latest fire time <= now within `lookback`, or None.

    Galloping back from `now` until some fire time lies in [now - step, now], then a
    bisection between that fire time and now: O(log) calls of `next_fire`, whatever the
    period (every second or once a year).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    step = _FIRST_STEP
    while True:
        lo = _fire_at_or_before(next_fire, now - step, now)
        if lo is not None:
            break
        if step >= lookback:
            return None
        step = min(step * 2, lookback)
    # Invariant: lo is a fire time <= now; no fire time in [hi, now].
    hi = now + _TINY
    while True:
        after = _fire_at_or_before(next_fire, lo + _TINY, now)
        if after is None:
            return lo
        lo = after
        mid = lo + (hi - lo) / 2
        if mid <= lo:
            return lo
        candidate = _fire_at_or_before(next_fire, mid, now)
        if candidate is None:
            hi = mid
        else:
            lo = candidate


def _fire_at_or_before(next_fire: NextFire, start: datetime, now: datetime) -> datetime | None:
    fire = next_fire(start)
    return fire if fire is not None and fire <= now else None


def periods_to_enqueue(
    next_fire: NextFire, now: datetime, last_claimed: datetime | None
) -> list[datetime]:
    """The periods to enqueue now: [] or [the latest fire time <= now, if after last_claimed]."""
    latest = latest_fire_at_or_before(next_fire, now)
    if latest is None:
        return []
    if last_claimed is not None and latest <= last_claimed:
        return []
    return [latest.astimezone(UTC)]


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """A job of the schedule: its name (the claim namespace) and when it fires."""

    name: str
    next_fire: NextFire


Enqueue = Callable[[str, str], Awaitable[None]]
"""Enqueue the job's message: (job name, period key). Raising releases the claim."""


async def enqueue_due_period(
    job: PeriodicJob,
    claims: PeriodClaims,
    clock: Clock,
    enqueue: Enqueue,
    claimed_by: str,
) -> str | None:
    """Claim the due period of `job` and enqueue it; returns the period key it enqueued.

    Called on every fire of the job and on every catch-up pass; any number of schedulers
    may call it at once: the claim lets exactly one of them enqueue each period.
    """
    now = clock.now()
    latest_key = await claims.latest(job.name)
    last = parse_period_key(latest_key) if latest_key is not None else None
    enqueued = None
    for period in periods_to_enqueue(job.next_fire, now, last):
        key = period_key(period)
        async with claims.claim(job.name, key, claimed_by, now) as won:
            if not won:
                log.debug("job %s period %s: already claimed elsewhere", job.name, key)
                continue
            await enqueue(job.name, key)
            enqueued = key
        log.info("job %s period %s: enqueued", job.name, key)
    return enqueued
