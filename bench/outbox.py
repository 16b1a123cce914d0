"""Outbox dispatch throughput: `dispatch_due` draining due SCHEDULED messages with a fast
in-memory fake sender, on one database; every message must be SENT exactly once.

A shop of customers (default 500) with reachable contact details, consent history, contact
preferences and an outbox history (messages sent and delivered over the last year) gets a
fresh set of due messages (default 2,000: four per customer, transactional surveys, some
tied to a scheduled follow-up, and marketing reminders) for each configuration:

- one worker, `dispatch_due(..., concurrency=1)` (sends one after another),
- one worker, `concurrency=8` (eight sends in flight at once),
- two workers racing over the same due messages, `concurrency=4` each (the atomic claim
  decides who sends each one; the loser counts it as skipped).

Each worker calls `dispatch_due` with the actor's batch size (100) until nothing is due.
The clock is fixed at an instant inside every customer's allowed contact window (the
default quiet hours 08:00-21:00 and their preferred slots), so the full send policy runs and
every message may go out now. The sender records each send by message id: duplicates (a
message id sent more than once) must be 0, and every message must be SENT in the database.

Run alone: `python -m bench.outbox` (BENCH_POSTGRES_URL, BENCH_OUTBOX_MESSAGES,
BENCH_OUTBOX_CUSTOMERS as in `python -m bench`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from application.outbox.dispatch import dispatch_due
from application.outbox.outcome import DispatchReport
from application.ports.outbox import SendResult
from bench.databases import int_env, on_each_database
from bench.scheduler_pass import _insert, _insert_only
from domain.contact_preferences import QuietHours
from domain.messaging.message import Message, MessageStatus
from entrypoints.container import build_container
from entrypoints.settings import Settings

# A Thursday, 17:00 UTC: 09:00 in Los Angeles, 12:00 in New York, 18:00 in Madrid.
NOW = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)
DATABASE = "fieldcrm_bench_outbox"
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/Madrid", "UTC")
CHANNELS = ("SMS", "SMS", "SMS", "SMS", "SMS", "WHATSAPP", "WHATSAPP", "WHATSAPP", "EMAIL", "EMAIL")
BATCH = 100  # dispatch_due's default, as the dispatch actor calls it
WARMUP = 100
TARGET_PER_SECOND = 500
RUN_KEY = "bench-run:"  # idempotency keys of the messages a run dispatches
HISTORY_PER_CUSTOMER = 6


class FixedClock:
    def now(self) -> datetime:
        return NOW


class CountingSender:
    """A MessageSender that answers at once and counts the sends of each message id."""

    def __init__(self) -> None:
        self.sends: Counter[int] = Counter()
        self.total = 0

    async def send(self, message: Message) -> SendResult:
        await asyncio.sleep(0)  # let other tasks run, as a network call would
        assert message.id is not None
        self.sends[message.id] += 1
        self.total += 1
        return SendResult(f"BENCH{self.total:024d}")

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        return None


@dataclass(frozen=True, slots=True)
class Config:
    label: str
    workers: int
    concurrency: int


CONFIGS = (
    Config("1 worker, concurrency 1", 1, 1),
    Config("1 worker, concurrency 8", 1, 8),
    Config("2 workers racing, concurrency 4 each", 2, 4),
)


@dataclass(frozen=True, slots=True)
class Run:
    config: Config
    messages: int
    seconds: float
    sent: int
    skipped: int
    other_outcomes: int
    duplicates: int
    missing: int
    sent_in_database: int
    follow_ups_sent: int
    follow_ups: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


@dataclass(frozen=True, slots=True)
class OutboxResult:
    database: str
    customers: int
    history_rows: int
    statements_per_message: float
    runs: list[Run]


@dataclass(frozen=True, slots=True)
class _Customer:
    id: int
    channel: str
    recipient: str
    language: str
    marketing: bool
    job_id: int


async def seed(engine: AsyncEngine, customers: int, seed_value: int = 20260115) -> list[_Customer]:
    """Customers who may all be contacted now, each with a completed job, consent history
    and an outbox history; returns them with the channel their messages use."""
    rng = random.Random(seed_value)
    async with engine.begin() as conn:
        (tech,) = await _insert(
            conn,
            t.technicians,
            [{"name": "Tech", "skills": ["hvac"], "active": True, "created_at": NOW}],
        )
        rows, channels = [], []
        for n in range(customers):
            channel = rng.choice(CHANNELS)
            channels.append(channel)
            prefers = rng.random() < 0.5
            rows.append(
                {
                    "name": f"Customer {n:05d}",
                    "phone": f"+1555{n:07d}",
                    "email": f"c{n}@example.com",
                    "time_zone": rng.choice(ZONES),
                    "created_at": NOW - timedelta(days=800),
                    "referral_code": f"O{n:07d}",
                    "preferred_contact_method": channel if prefers else None,
                    "preferred_contact_times": rng.choice(
                        (
                            None,
                            {"weekdays": ["morning", "afternoon", "evening"], "weekends": ["any"]},
                            {"weekdays": ["any"], "weekends": ["morning"]},
                        )
                    ),
                    "communication_frequency_preference": rng.choice(
                        (None, "MODERATE", "FREQUENT")
                    ),
                    "language_preference": rng.choice(("en", "en", "es-MX", "pt-BR")),
                    "marketing_consent": rng.random() < 0.7,
                }
            )
        ids = await _insert(conn, t.customers, rows)
        jobs = await _insert(
            conn,
            t.jobs,
            [
                {
                    "customer_id": c,
                    "technician_id": tech,
                    "description": "Washer not draining",
                    "scheduled_for": NOW - timedelta(days=4),
                    "status": "COMPLETED",
                    "started_at": NOW - timedelta(days=4),
                    "completion_date": NOW - timedelta(days=4) + timedelta(hours=2),
                    "created_at": NOW - timedelta(days=10),
                }
                for c in ids
            ],
        )
        found = []
        consent, history = [], []
        for c, job, row, channel in zip(ids, jobs, rows, channels, strict=True):
            recipient = row["email"] if channel == "EMAIL" else row["phone"]
            found.append(
                _Customer(
                    c, channel, recipient, row["language_preference"], row["marketing_consent"], job
                )
            )
            if rng.random() < 0.2:  # opted out of their channel once, then back in
                at = NOW - timedelta(days=rng.randint(30, 300))
                consent.append(_consent(c, channel, True, at, "twilio:STOP"))
                consent.append(_consent(c, channel, False, at + timedelta(days=2), "twilio:START"))
            if rng.random() < 0.1:  # opted out of another channel: does not stop theirs
                other = "EMAIL" if channel != "EMAIL" else "SMS"
                consent.append(_consent(c, other, True, NOW - timedelta(days=5), "office"))
            for k in range(HISTORY_PER_CUSTOMER):
                # One marketing message sent two days ago (counts for the weekly cap), the
                # rest delivered over the last year.
                at = NOW - (timedelta(days=2) if k == 0 else timedelta(days=rng.randint(8, 365)))
                history.append(
                    _message(c, channel, recipient, row["language_preference"], f"history:{c}:{k}")
                    | {
                        "purpose": "MARKETING" if k == 0 else "TRANSACTIONAL",
                        "scheduled_for": at,
                        "status": "SENT" if k == 0 else "DELIVERED",
                        "attempts": 1,
                        "provider_message_id": f"HIST{c:08d}{k:02d}",
                        "sent_at": at,
                        "created_at": at - timedelta(hours=1),
                        "updated_at": at + timedelta(minutes=1),
                    }
                )
        await _insert_only(conn, t.consent_changes, consent)
        await _insert_only(conn, t.messages, history)
    return found


def _consent(
    customer_id: int, channel: str, out: bool, at: datetime, source: str
) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "channel": channel,
        "opted_out": out,
        "at": at,
        "source": source,
    }


def _message(
    customer_id: int, channel: str, recipient: str, language: str, key: str
) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "follow_up_id": None,
        "job_id": None,
        "purpose": "TRANSACTIONAL",
        "channel": channel,
        "recipient": recipient,
        "body": "How did our visit go? Reply 1-5. Reply STOP to opt out.",
        "language": language,
        "scheduled_for": NOW,
        "status": "SCHEDULED",
        "provider_message_id": None,
        "attempts": 0,
        "last_error": None,
        "idempotency_key": key,
        "sent_at": None,
        "created_at": NOW - timedelta(days=1),
        "updated_at": NOW - timedelta(days=1),
    }


async def queue(
    engine: AsyncEngine, customers: Sequence[_Customer], count: int, tag: str, seed_value: int
) -> list[int]:
    """`count` due SCHEDULED messages, spread over the customers (round-robin): per
    customer a transactional survey tied to a scheduled follow-up, other transactional
    messages, and (with marketing consent) at most two marketing reminders. Returns ids."""
    rng = random.Random(seed_value)
    per_customer: Counter[int] = Counter()
    planned = []
    for n in range(count):
        c = customers[n % len(customers)]
        k = per_customer[c.id]
        per_customer[c.id] += 1
        marketing = c.marketing and k in (1, 3)
        planned.append((n, c, k, marketing))
    async with engine.begin() as conn:
        follow_up_ids = await _insert(
            conn,
            t.service_follow_ups,
            [
                {
                    "job_id": c.job_id,
                    "customer_id": c.id,
                    "status": "SCHEDULED",
                    "follow_up_date": NOW - timedelta(minutes=5),
                    "created_at": NOW - timedelta(days=1),
                }
                for _, c, k, _ in planned
                if k == 0
            ],
        )
        follow_ups = iter(follow_up_ids)
        rows = []
        for n, c, k, marketing in planned:
            row = _message(c.id, c.channel, c.recipient, c.language, f"{RUN_KEY}{tag}:{n}")
            row["scheduled_for"] = NOW - timedelta(seconds=rng.randint(1, 36_000))
            if marketing:
                row |= {"purpose": "MARKETING", "body": "Your washer is due for service."}
            elif k == 0:
                row |= {"job_id": c.job_id, "follow_up_id": next(follow_ups)}
            rows.append(row)
        return await _insert(conn, t.messages, rows)


async def _reset(engine: AsyncEngine) -> None:
    """Remove the previous run's messages and follow-ups, then refresh the statistics."""
    async with engine.begin() as conn:
        await conn.execute(delete(t.messages).where(t.messages.c.idempotency_key.like("bench-%")))
        await conn.execute(delete(t.service_follow_ups))
    await _analyze(engine)


async def _analyze(engine: AsyncEngine) -> None:
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(statement)


@contextmanager
def _log_lines_to_devnull() -> Iterator[None]:
    """The worker logs one INFO line per message sent (LOG_LEVEL=INFO, the default): keep
    that cost in the measurement, with the lines formatted as `fieldcrm worker` formats them
    but written to /dev/null instead of the bench's output."""
    logger = logging.getLogger("application.outbox")
    saved = logger.level, logger.propagate
    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]


def _add(total: DispatchReport, report: DispatchReport) -> None:
    for name in (f.name for f in fields(DispatchReport)):
        setattr(total, name, getattr(total, name) + getattr(report, name))


async def _drain(container: Any, sender: CountingSender, concurrency: int) -> DispatchReport:
    """One worker: `dispatch_due` batch after batch until nothing is due."""
    total = DispatchReport()
    clock, quiet = container.clock(), QuietHours()
    while True:
        report = await dispatch_due(
            container.uow, clock, sender, quiet, BATCH, concurrency=concurrency
        )
        if report.processed + report.skipped == 0:
            return total
        _add(total, report)


async def _dispatch(
    engine: AsyncEngine, container: Any, config: Config, ids: list[int]
) -> tuple[float, CountingSender, DispatchReport]:
    sender = CountingSender()
    gc.collect()
    started = time.perf_counter()
    reports = await asyncio.gather(
        *(_drain(container, sender, config.concurrency) for _ in range(config.workers))
    )
    seconds = time.perf_counter() - started
    total = DispatchReport()
    for report in reports:
        _add(total, report)
    return seconds, sender, total


async def run(url: str, database: str, customers: int, messages: int) -> OutboxResult:
    settings = Settings(database_url=url, jwt_secret="bench-" + "x" * 40, environment="test")
    container = build_container(settings)
    container.clock.override(FixedClock())
    engine: AsyncEngine = container.engine()
    try:
        with _log_lines_to_devnull():
            return await _run(engine, container, database, customers, messages)
    finally:
        await engine.dispose()


async def _run(
    engine: AsyncEngine, container: Any, database: str, customers: int, messages: int
) -> OutboxResult:
    m, f = t.messages, t.service_follow_ups
    shop = await seed(engine, customers)
    async with engine.connect() as conn:
        history = (await conn.execute(select(func.count()).select_from(m))).scalar_one()

    # Warm-up: compiled statement caches, prepared statements, the pool.
    await queue(engine, shop, WARMUP, "warmup", 1)
    await _analyze(engine)
    warm = await _drain(container, CountingSender(), 1)
    assert warm.sent == WARMUP, warm

    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    runs = []
    for n, config in enumerate(CONFIGS):
        await _reset(engine)
        ids = await queue(engine, shop, messages, f"run{n}", 100 + n)
        await _analyze(engine)
        if n == 0:  # the statements of the one-worker run (the listener costs ~1 us each)
            event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            seconds, sender, report = await _dispatch(engine, container, config, ids)
        finally:
            if n == 0:
                event.remove(engine.sync_engine, "before_cursor_execute", count)
        async with engine.connect() as conn:
            sent_rows = (
                await conn.execute(
                    select(func.count())
                    .select_from(m)
                    .where(
                        m.c.idempotency_key.like(f"{RUN_KEY}run{n}:%"),
                        m.c.status == MessageStatus.SENT.value,
                        m.c.provider_message_id.is_not(None),
                        m.c.sent_at == NOW,
                        m.c.attempts == 1,
                    )
                )
            ).scalar_one()
            follow_ups = (await conn.execute(select(func.count()).select_from(f))).scalar_one()
            follow_ups_sent = (
                await conn.execute(select(func.count()).select_from(f).where(f.c.status == "SENT"))
            ).scalar_one()
        runs.append(
            Run(
                config=config,
                messages=messages,
                seconds=seconds,
                sent=report.sent,
                skipped=report.skipped,
                other_outcomes=report.processed - report.sent,
                duplicates=sum(c - 1 for c in sender.sends.values() if c > 1),
                missing=len(set(ids) - set(sender.sends)),
                sent_in_database=sent_rows,
                follow_ups_sent=follow_ups_sent,
                follow_ups=follow_ups,
            )
        )
    return OutboxResult(database, customers, history, statements / messages, runs)


def print_results(results: Sequence[OutboxResult]) -> None:
    print()
    print(
        "Outbox dispatch: dispatch_due with a fake sender until nothing is due "
        f"(target on PostgreSQL: >= {TARGET_PER_SECOND} messages/s)"
    )
    header = (
        f"{'database':<12}{'workers x concurrency':<40}{'messages':>9}{'seconds':>9}"
        f"{'msg/s':>8}{'sent':>7}{'skipped':>9}{'other':>7}{'dupl.':>7}{'missing':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        for run in r.runs:
            print(
                f"{r.database:<12}{run.config.label:<40}{run.messages:>9}{run.seconds:>9.2f}"
                f"{run.per_second:>8.0f}{run.sent:>7}{run.skipped:>9}{run.other_outcomes:>7}"
                f"{run.duplicates:>7}{run.missing:>9}"
            )
    print("(sent/skipped/other = DispatchReport totals, other = deferred, suppressed, failed,")
    print(" retried or needs review; dupl. = message ids the sender got more than once;")
    print(" missing = queued messages the sender never got)")
    for r in results:
        print()
        print(
            f"{r.database}: {r.customers} customers, {r.history_rows} messages already in the "
            f"outbox before the runs; {r.statements_per_message:.2f} SQL statements per "
            "message in the first run (dispatch_due's selects of due ids included)"
        )
        for run in r.runs:
            print(
                f"  {run.config.label}: {run.sent_in_database}/{run.messages} SENT in the "
                f"database with a provider id and attempts = 1; follow-ups SENT "
                f"{run.follow_ups_sent}/{run.follow_ups}"
            )


def run_all(postgres_url: str) -> list[OutboxResult]:
    """SQLite always (for reference), PostgreSQL when `postgres_url` is set (own database)."""
    customers = int_env("BENCH_OUTBOX_CUSTOMERS", 500)
    messages = int_env("BENCH_OUTBOX_MESSAGES", 2_000)
    results = on_each_database(
        postgres_url,
        DATABASE,
        f"outbox dispatch of {messages} messages",
        lambda url, label: run(url, label, customers, messages),
    )
    print_results(results)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    run_all(os.environ.get("BENCH_POSTGRES_URL", ""))
