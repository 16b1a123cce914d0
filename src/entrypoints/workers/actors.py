"""Dramatiq actors: each builds its adapters from the composition root and calls ONE use case.

The actors are plain async functions bound to a broker by `declare_actors(broker)` (no
import-time global broker), so the Redis worker, the embedded worker and tests each bind
them to their own broker. Each worker's container reaches them through its broker's
WorkerContainer middleware (`worker_container()`); every
use case receives the container's unit-of-work *factory*, so each message, and each step
inside it, opens a fresh unit of work. Delivery is at least once: the use cases are
idempotent (atomic claims in the outbox, unique keys), so a redelivered message is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import dramatiq

from entrypoints.container import Container
from entrypoints.observability.observed_sender import ObservedSender
from entrypoints.workers.container_middleware import WorkerContainer

log = logging.getLogger(__name__)

_MINUTE_MS = 60_000
_HOUR_MS = 60 * _MINUTE_MS


def worker_container() -> Container:
    """The container of the worker running this actor (see WorkerContainer)."""
    return WorkerContainer.current()


# --- the actors -----------------------------------------------------------------------


def _sending(c: Container) -> dict[str, Any]:
    """What sending needs from the container, as the outbox use cases' arguments."""
    from application.outbox.write_back import WriteBack

    settings = c.settings()
    return {
        "uow_factory": c.uow,
        "clock": c.clock(),
        "sender": ObservedSender(c.message_sender()),
        "quiet": c.quiet_hours(),
        "max_attempts": settings.messaging.max_attempts,
        "write_back": WriteBack(budget_seconds=settings.workers.write_back_seconds),
    }


async def dispatch_due_messages(period_key: str | None = None) -> None:
    """Send the outbox messages whose time has come (the every-minute safety net)."""
    from application.outbox.dispatch import dispatch_due

    c = worker_container()
    workers = c.settings().workers
    report = await dispatch_due(
        **_sending(c),
        batch_size=workers.dispatch_batch_size,
        concurrency=workers.dispatch_concurrency,
        for_seconds=workers.dispatch_run_seconds,
    )
    level = logging.INFO if report.processed else logging.DEBUG
    log.log(level, "dispatch_due_messages %s: %s", period_key or "-", report)


async def send_message(message_id: int) -> None:
    """Send one outbox message now: enqueued when a message queued for now is committed
    (claimed atomically; a redelivery, or the poll getting there first, does nothing)."""
    from application.outbox.dispatch import send_one

    outcome = await send_one(message_id=message_id, **_sending(worker_container()))
    log.info("send_message %s: %s", message_id, outcome)


async def reconcile_stuck_messages(period_key: str | None = None) -> None:
    """Settle messages left SENDING by a dead worker (ask the provider; never resend)."""
    from application.outbox.reconcile import reconcile_stuck

    c = worker_container()
    stale_after = timedelta(seconds=c.settings().workers.stale_sending_seconds)
    sender = ObservedSender(c.message_sender())
    count = await reconcile_stuck(c.uow, c.clock(), sender, stale_after)
    level = logging.INFO if count else logging.DEBUG
    log.log(level, "reconcile_stuck_messages %s: %s settled", period_key or "-", count)


async def daily_follow_up_suggestions(period_key: str | None = None) -> None:
    from application.engagement import daily_follow_up_suggestions as use_case

    count = await use_case(worker_container().engagement_context())
    log.info("daily_follow_up_suggestions %s: %s suggestions", period_key or "-", count)


async def refresh_maintenance_alerts(period_key: str | None = None) -> None:
    from application.engagement import refresh_maintenance_alerts as use_case

    count = await use_case(worker_container().engagement_context())
    log.info("refresh_maintenance_alerts %s: %s alerts", period_key or "-", count)


async def queue_post_service_surveys(period_key: str | None = None) -> None:
    from application.engagement import queue_post_service_surveys as use_case

    count = await use_case(worker_container().engagement_context())
    log.info("queue_post_service_surveys %s: %s surveys", period_key or "-", count)


async def prune_insight_generations(period_key: str | None = None) -> None:
    """Delete stored insight generations older than LLM_GENERATION_RETENTION_DAYS."""
    from application.insights.generation_retention import prune_generations

    c = worker_container()
    days = c.settings().llm.generation_retention_days
    count = await prune_generations(c.generation_log(), c.clock(), days)
    log.info("prune_insight_generations %s: %s deleted", period_key or "-", count)


async def prune_old_data(period_key: str | None = None) -> None:
    """The daily pruning pass: what is past its retention (RETENTION_*_DAYS)."""
    from application.data_lifecycle import Retention
    from application.data_lifecycle import prune_old_data as use_case

    c = worker_container()
    r = c.settings().retention
    retention = Retention(
        r.scheduler_runs_days or None,
        r.webhook_events_days or None,
        r.message_bodies_days or None,
        r.audit_entries_days or None,
    )
    pruned = await use_case(c.uow(), c.clock(), retention)
    log.info("prune_old_data %s: %s", period_key or "-", pruned)


async def backup_database(period_key: str | None = None) -> None:
    """The scheduled copy of the SQLite database into BACKUP_DIR, keeping the newest
    BACKUP_KEEP (nothing without BACKUP_DIR). Named by its period, so a retried or repeated
    message for the same night makes no second copy."""
    from adapters.sqlalchemy.sqlite_backup import (
        SCHEDULED_STAMP,
        scheduled_backup,
        sqlite_database_file,
    )
    from application.scheduling import parse_period_key

    c = worker_container()
    settings = c.settings()
    if settings.backup.directory is None:
        log.debug("backup_database %s: BACKUP_DIR is not set", period_key or "-")
        return
    when = parse_period_key(period_key) if period_key else c.clock().now()
    done = await asyncio.to_thread(
        scheduled_backup,
        sqlite_database_file(settings.database_url),
        Path(settings.backup.directory),
        when.astimezone(UTC).strftime(SCHEDULED_STAMP),
        settings.backup.keep,
    )
    made = done.made
    log.info(
        "backup_database %s: %s; %s older removed",
        period_key or "-",
        f"{made.path} ({made.size_bytes} bytes, integrity ok)" if made else "made already",
        len(done.removed),
    )


#: Actor options. `max_age` drops a periodic message that waited too long (the next period
#: brings a fresh one); the daily jobs keep theirs for hours, so a busy morning still runs.
ACTOR_OPTIONS: dict[str, dict[str, Any]] = {
    # A batch of 100 sends against a provider that times out every call must still finish:
    # a time limit that cancels a send mid-call leaves its outcome unknown (for review).
    "dispatch_due_messages": {"max_age": 5 * _MINUTE_MS, "time_limit": 30 * _MINUTE_MS},
    "reconcile_stuck_messages": {"max_age": 15 * _MINUTE_MS, "time_limit": 10 * _MINUTE_MS},
    "send_message": {"time_limit": 5 * _MINUTE_MS},
    "daily_follow_up_suggestions": {"max_age": 12 * _HOUR_MS, "time_limit": 60 * _MINUTE_MS},
    "refresh_maintenance_alerts": {"max_age": 12 * _HOUR_MS, "time_limit": 60 * _MINUTE_MS},
    "queue_post_service_surveys": {"max_age": 60 * _MINUTE_MS, "time_limit": 30 * _MINUTE_MS},
    "prune_insight_generations": {"max_age": 12 * _HOUR_MS, "time_limit": 30 * _MINUTE_MS},
    "prune_old_data": {"max_age": 12 * _HOUR_MS, "time_limit": 60 * _MINUTE_MS},
    "backup_database": {"max_age": 12 * _HOUR_MS, "time_limit": 60 * _MINUTE_MS},
}

_FUNCTIONS = {
    "dispatch_due_messages": dispatch_due_messages,
    "send_message": send_message,
    "reconcile_stuck_messages": reconcile_stuck_messages,
    "daily_follow_up_suggestions": daily_follow_up_suggestions,
    "refresh_maintenance_alerts": refresh_maintenance_alerts,
    "queue_post_service_surveys": queue_post_service_surveys,
    "prune_insight_generations": prune_insight_generations,
    "prune_old_data": prune_old_data,
    "backup_database": backup_database,
}

Actors = dict[str, dramatiq.Actor[Any, Any]]


def declare_actors(broker: dramatiq.Broker, functions: dict[str, Any] | None = None) -> Actors:
    """Bind the actors to `broker` (tests may pass stand-in functions under the same names)."""
    chosen = {**_FUNCTIONS, **(functions or {})}
    return {
        name: dramatiq.actor(broker=broker, actor_name=name, **ACTOR_OPTIONS.get(name, {}))(fn)
        for name, fn in chosen.items()
    }
