"""Two real `fieldcrm scheduler` processes over the same periods: one enqueue per period.

The schedulers fire every second (6-field cron strings) into a real Redis (a namespace of
this test's own) and claim periods in the database (PostgreSQL under .ci/run, else
SQLite). No worker runs, so every message either scheduler enqueued is still in the queue
to be counted.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest
import redis
from sqlalchemy import select

from adapters.sqlalchemy.tables import scheduler_runs
from entrypoints.container import Container
from tests.conftest import POSTGRES_URL
from tests.integration.workers_support import (
    delete_namespace,
    fieldcrm,
    process_env,
    require_redis,
    stop,
    unique_namespace,
)

pytestmark = pytest.mark.parametrize(
    "database_url", ["postgresql" if POSTGRES_URL else "sqlite"], indirect=True
)
YEARLY_KEY = "2026-01-01T00:00:00+00:00"  # the catch-up period of the once-a-year jobs


@pytest.fixture
def redis_namespace() -> Iterator[tuple[str, str]]:
    url = require_redis()
    namespace = unique_namespace()
    yield url, namespace
    delete_namespace(url, namespace)


def queued_messages(url: str, namespace: str) -> list[dramatiq.Message]:  # type: ignore[type-arg]
    client = redis.Redis.from_url(url)
    try:
        raw = client.hgetall(f"{namespace}:default.msgs")
    finally:
        client.close()
    return [dramatiq.Message.decode(data) for data in raw.values()]


async def wait_started(log: Path, timeout: float = 20) -> None:
    for _ in range(int(timeout * 10)):
        if log.exists() and "started:" in log.read_text(errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"scheduler did not start:\n{log.read_text(errors='replace')}")


async def test_two_scheduler_processes_enqueue_each_period_once(
    container: Container, redis_namespace: tuple[str, str], tmp_path: Path
) -> None:
    url, namespace = redis_namespace
    env = process_env(
        DATABASE_URL=container.settings().database_url,
        REDIS_URL=url,
        WORKER_REDIS_NAMESPACE=namespace,
        SCHEDULE_DISPATCH="* * * * * *",  # every second
        SCHEDULE_RECONCILE="*/2 * * * * *",  # every other second
    )
    logs = [tmp_path / "scheduler-a.log", tmp_path / "scheduler-b.log"]
    first = [fieldcrm("scheduler", env, log) for log in logs]
    try:
        for log in logs:
            await wait_started(log)
        await asyncio.sleep(4)
    finally:
        codes = [stop(p, signal.SIGTERM) for p in first]
    assert codes == [0, 0], [log.read_text() for log in logs]

    # A restart later: the yearly catch-up is not enqueued again, the gap once at most.
    await asyncio.sleep(1.5)
    again = tmp_path / "scheduler-c.log"
    third = fieldcrm("scheduler", env, again)
    try:
        await wait_started(again)
        await asyncio.sleep(1.5)
    finally:
        assert stop(third) == 0, again.read_text()

    messages = queued_messages(url, namespace)
    periods = Counter((m.actor_name, m.kwargs["period_key"]) for m in messages)
    doubled = {period: n for period, n in periods.items() if n > 1}
    assert doubled == {}, f"periods enqueued more than once: {doubled}"

    by_job = Counter(actor for actor, _ in periods)
    for job in ("daily_follow_up_suggestions", "refresh_maintenance_alerts"):
        assert periods[(job, YEARLY_KEY)] == 1
        assert by_job[job] == 1
    assert by_job["dispatch_due_messages"] >= 5  # ~4 s + ~1.5 s of every-second fires
    assert by_job["reconcile_stuck_messages"] >= 3

    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(scheduler_runs))).all()
    claimed = Counter((row.job_name, row.period_key) for row in rows)
    assert claimed == periods, "every claim enqueued exactly one message, and only claims did"
    winners = Counter(row.claimed_by for row in rows)
    print(f"\nscheduler processes: {len(rows)} periods claimed, by {dict(winners)}")
