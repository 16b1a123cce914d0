"""The scheduler's periodic pass over a shop of 10,000 customers, on one database.

Times the selection query of each engagement pass (follow-up suggestions, maintenance,
surveys: one statement each) and a post-service survey pass with the offline LLM (the
embedded default), then an idle pass (everything already queued).

Run alone: `python -m bench.scheduler_pass` (BENCH_SCHEDULER_CUSTOMERS, BENCH_SCHEDULER_RUNS,
BENCH_POSTGRES_URL as in `python -m bench`).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from application.engagement import queue_post_service_surveys
from bench.databases import int_env, on_each_database
from domain.attention import AttentionCriteria
from domain.follow_up import FollowUpStatus
from domain.job import JobStatus
from domain.survey_window import SurveyWindow, survey_key
from entrypoints.container import build_container
from entrypoints.settings import Settings

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
DATABASE = "fieldcrm_bench_scheduler"
TYPES = ("refrigerator", "washer", "dryer", "dishwasher", "oven", "hvac", "water heater")
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/Madrid", "UTC")
SURVEY_DELAY = timedelta(days=3)


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass(frozen=True, slots=True)
class Timed:
    rows: int
    statements: int
    p50_ms: float
    max_ms: float


@dataclass(frozen=True, slots=True)
class SchedulerResult:
    database: str
    customers: int
    rows_in_database: int
    seed_seconds: float
    selections: dict[str, Timed]
    surveys_queued: int
    survey_pass_s: float
    idle_pass_ms: float
    idle_statements: int


async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert many rows in one plain executemany; their ids, in order. The bench is the
    only writer of its fresh database, so the new ids are the ones above the old maximum,
    given in insertion order (much faster than RETURNING row by row on SQLite)."""
    if not rows:
        return []
    before = (await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar_one()
    await _insert_only(conn, table, rows)
    ids = list(
        (
            await conn.execute(select(table.c.id).where(table.c.id > before).order_by(table.c.id))
        ).scalars()
    )
    assert len(ids) == len(rows), f"{table.name}: another writer?"
    return ids


async def _insert_only(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows, ids not needed: the driver's plain executemany (faster)."""
    if rows:
        await conn.execute(table.insert(), list(rows))


def _job(
    rng: random.Random, customer_id: int, technician_id: int, appliance: tuple[int, str] | None
) -> dict[str, Any]:
    """A job somewhere in the last two years (a few scheduled ahead), mostly completed."""
    scheduled = NOW - timedelta(days=rng.uniform(-20, 730))
    if scheduled > NOW:
        status = JobStatus.SCHEDULED
    else:
        status = rng.choices((JobStatus.COMPLETED, JobStatus.CANCELLED), (9, 1))[0]
    done = status is JobStatus.COMPLETED
    completion = scheduled + timedelta(hours=rng.uniform(1, 4)) if done else None
    return {
        "customer_id": customer_id,
        "technician_id": technician_id,
        "description": f"{appliance[1] if appliance else 'Appliance'} not working",
        "appliance": appliance[1] if appliance else None,
        "appliance_id": appliance[0] if appliance else None,
        "notes": None,
        "scheduled_for": scheduled,
        "status": status.value,
        "started_at": scheduled + timedelta(minutes=10) if done else None,
        "completion_date": min(completion, NOW) if completion else None,
        "cancelled_at": scheduled - timedelta(days=1) if status is JobStatus.CANCELLED else None,
        "created_at": scheduled - timedelta(days=rng.randint(1, 14)),
    }


def _message(customer_id: int, key: str, at: datetime, job_id: int | None) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "job_id": job_id,
        "purpose": "TRANSACTIONAL" if job_id else "MARKETING",
        "channel": "SMS",
        "recipient": "+15550100000",
        "body": "Hello from the bench",
        "language": "en",
        "scheduled_for": at,
        "status": "SENT",
        "attempts": 1,
        "idempotency_key": key,
        "sent_at": at,
        "created_at": at,
        "updated_at": at,
    }


async def seed(engine: AsyncEngine, customers: int, seed_value: int = 20260115) -> int:
    """A shop history: 2.5 jobs, 1.5 appliances per customer; reviews, ratings, follow-ups,
    alerts and sent messages (surveys of half the recent jobs already among them)."""
    rng = random.Random(seed_value)
    async with engine.begin() as conn:
        techs = await _insert(
            conn,
            t.technicians,
            [
                {"name": f"Tech {n}", "skills": ["hvac"], "active": True, "created_at": NOW}
                for n in range(20)
            ],
        )
        customer_ids = await _insert(
            conn,
            t.customers,
            [
                {
                    "name": f"Customer {n:05d}",
                    "phone": f"+1555{n:07d}" if rng.random() < 0.9 else None,
                    "email": f"c{n}@example.com" if rng.random() < 0.6 else None,
                    "time_zone": rng.choice(ZONES),
                    "created_at": NOW - timedelta(days=800),
                    "referral_code": f"S{n:07d}",
                    "language_preference": "en",
                    "marketing_consent": rng.random() < 0.5,
                }
                for n in range(customers)
            ],
        )
        appliance_rows, owners = [], []
        for c in customer_ids:
            for _ in range(rng.choice((1, 1, 2))):
                kind = rng.choice(TYPES)
                installed = (NOW - timedelta(days=rng.randint(100, 4000))).date()
                appliance_rows.append(
                    {
                        "customer_id": c,
                        "type": kind,
                        "brand": "Bosch",
                        "installed_on": installed,
                        "created_at": NOW - timedelta(days=700),
                        "updated_at": NOW - timedelta(days=rng.randint(1, 700)),
                    }
                )
                owners.append((c, kind))
        appliance_ids = await _insert(conn, t.appliances, appliance_rows)
        by_customer: dict[int, list[tuple[int, str]]] = {}
        for a, (c, kind) in zip(appliance_ids, owners, strict=True):
            by_customer.setdefault(c, []).append((a, kind))
        job_rows = [
            _job(rng, c, rng.choice(techs), rng.choice(by_customer[c]))
            for c in customer_ids
            for _ in range(rng.choice((0, 1, 2, 3, 4, 5)))
        ]
        job_ids = await _insert(conn, t.jobs, job_rows)
        jobs = list(zip(job_ids, job_rows, strict=True))
        completed = [(j, r) for j, r in jobs if r["status"] == JobStatus.COMPLETED.value]
        reviews, ratings, follow_ups, messages = [], [], [], []
        for j, r in completed:
            at = r["completion_date"] + timedelta(hours=rng.randint(1, 72))
            at = min(at, NOW)
            who = {"job_id": j, "customer_id": r["customer_id"]}
            if rng.random() < 0.4:
                reviews.append(
                    who
                    | {
                        "technician_id": r["technician_id"],
                        "rating": rng.choice((1, 2, 3, 4, 5, 5, 5, 4)),
                        "comment": "ok",
                        "created_at": at,
                    }
                )
            if rng.random() < 0.2:
                ratings.append(
                    who
                    | {
                        "technician_id": r["technician_id"],
                        "rating": rng.randint(1, 5),
                        "created_at": at,
                    }
                )
            if rng.random() < 0.2:
                follow_ups.append(
                    who
                    | {
                        "status": FollowUpStatus.COMPLETED.value,
                        "satisfaction_rating": rng.randint(1, 5),
                        "feedback": "fine",
                        "created_at": at,
                    }
                )
            recent = NOW - r["completion_date"] < timedelta(days=20)
            if recent and rng.random() < 0.5:
                messages.append(_message(r["customer_id"], survey_key(j), at, j))
        for c in customer_ids:
            if rng.random() < 0.3:
                at = NOW - timedelta(days=rng.randint(1, 400))
                messages.append(_message(c, f"bench:{c}", at, None))
        alerts = [
            {
                "appliance_id": a,
                "customer_id": c,
                "due_date": (NOW + timedelta(days=rng.randint(-30, 200))).date(),
                "confidence": 0.7,
                "reason": "service interval",
                "status": rng.choice(("OPEN", "OPEN", "ACKNOWLEDGED", "DONE")),
                "created_at": NOW - timedelta(days=1),
                "updated_at": NOW - timedelta(days=1),
            }
            for a, (c, _) in zip(appliance_ids, owners, strict=True)
            if rng.random() < 0.5
        ]
        for table, rows in (
            (t.reviews, reviews),
            (t.customer_technician_ratings, ratings),
            (t.service_follow_ups, follow_ups),
            (t.messages, messages),
            (t.maintenance_alerts, alerts),
        ):
            await _insert_only(conn, table, rows)
        total = 0
        for table in t.metadata.sorted_tables:
            total += (await conn.execute(select(func.count()).select_from(table))).scalar_one()
    return total


class _Counter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self._engine = engine

    def __enter__(self) -> _Counter:
        event.listen(self._engine.sync_engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, *args: Any) -> None:
        self.count += 1


async def _time(
    engine: AsyncEngine, runs: int, call: Callable[[], Awaitable[Sequence[Any]]]
) -> Timed:
    await call()  # warm-up
    times, rows, statements = [], 0, 0
    for _ in range(runs):
        with _Counter(engine) as counter:
            started = time.perf_counter()
            rows = len(await call())
            times.append((time.perf_counter() - started) * 1000)
        statements = counter.count
    return Timed(rows, statements, statistics.median(times), max(times))


async def run(url: str, database: str, customers: int, runs: int) -> SchedulerResult:
    settings = Settings(database_url=url, jwt_secret="bench-" + "x" * 40, environment="test")
    container = build_container(settings)
    container.clock.override(FixedClock())
    engine = container.engine()
    try:
        started = time.perf_counter()
        rows = await seed(engine, customers)
        seed_seconds = time.perf_counter() - started
        queries = SqlEngagementQueries(engine)
        window = SurveyWindow.at(NOW, SURVEY_DELAY)
        horizon_end: date = NOW.date() + timedelta(days=14)
        selections = {
            "follow-up suggestions: customers_needing_attention": await _time(
                engine, runs, lambda: queries.customers_needing_attention(AttentionCriteria.at(NOW))
            ),
            "maintenance: appliances_for_maintenance": await _time(
                engine, runs, lambda: queries.appliances_for_maintenance(horizon_end)
            ),
            "surveys: jobs_due_for_survey": await _time(
                engine, runs, lambda: queries.jobs_due_for_survey(window.after, window.before, 500)
            ),
        }
        ctx = container.engagement_context()
        started = time.perf_counter()
        queued = await queue_post_service_surveys(ctx)
        survey_pass = time.perf_counter() - started
        with _Counter(engine) as counter:
            started = time.perf_counter()
            again = await queue_post_service_surveys(container.engagement_context())
            idle_ms = (time.perf_counter() - started) * 1000
        assert again == 0, "the idle pass queued surveys"
        return SchedulerResult(
            database,
            customers,
            rows,
            seed_seconds,
            selections,
            queued,
            survey_pass,
            idle_ms,
            counter.count,
        )
    finally:
        await engine.dispose()


def print_results(results: Sequence[SchedulerResult]) -> None:
    print()
    print("Scheduler pass: each engagement selection is one statement (median / max of runs)")
    header = f"{'database':<12}{'selection':<54}{'rows':>7}{'SQL':>5}{'p50 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    for r in results:
        for name, timed in r.selections.items():
            print(
                f"{r.database:<12}{name:<54}{timed.rows:>7}{timed.statements:>5}"
                f"{timed.p50_ms:>9.2f}{timed.max_ms:>9.2f}"
            )
    for r in results:
        per = r.survey_pass_s * 1000 / r.surveys_queued if r.surveys_queued else 0.0
        rate = r.surveys_queued / r.survey_pass_s if r.survey_pass_s else 0.0
        print(
            f"{r.database}: {r.customers} customers, {r.rows_in_database} rows (seeded in "
            f"{r.seed_seconds:.1f} s); survey pass with the offline LLM: {r.surveys_queued} "
            f"queued in {r.survey_pass_s:.2f} s ({per:.2f} ms each, {rate:.0f}/s); idle pass "
            f"(nothing due): {r.idle_pass_ms:.1f} ms, {r.idle_statements} statement(s)"
        )


def run_all(postgres_url: str) -> list[SchedulerResult]:
    """SQLite always, PostgreSQL when `postgres_url` is set (in its own database)."""
    customers = int_env("BENCH_SCHEDULER_CUSTOMERS", 10_000)
    runs = int_env("BENCH_SCHEDULER_RUNS", 5)
    results = on_each_database(
        postgres_url,
        DATABASE,
        f"scheduler pass over {customers} customers",
        lambda url, label: run(url, label, customers, runs),
    )
    print_results(results)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    run_all(os.environ.get("BENCH_POSTGRES_URL", ""))
