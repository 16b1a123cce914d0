"""The selections of the periodic engagement passes: one SELECT each, on both databases.

No per-customer loop: each method is a single statement whose cost grows with the rows it
returns and the indexed lookups it makes (messages by idempotency key, follow-ups by
customer), not with a round trip per customer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.engagement import MaintenanceCandidate, SurveyCandidate
from domain.attention import AttentionCriteria, AttentionReason, AttentionSignal
from domain.job import JobStatus
from domain.maintenance_alert import CLOSED, REMINDER_KEY_PREFIX
from domain.survey_window import SURVEY_KEY_PREFIX

COMPLETED = JobStatus.COMPLETED.value


def _text(value: str) -> ColumnElement[str]:
    """A constant string inlined in the SQL (no bind: PostgreSQL must type UNION columns)."""
    return literal_column("'" + value.replace("'", "''") + "'", String)


def _message_with_key(key: ColumnElement[str]) -> ColumnElement[bool]:
    """An outbox message with this idempotency key exists (a unique-index lookup)."""
    return exists().where(t.messages.c.idempotency_key == key)


class SqlEngagementQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _rows(self, statement: Any) -> list[Any]:
        async with self._engine.connect() as conn:
            return list(await conn.execute(statement))

    async def customers_needing_attention(
        self, criteria: AttentionCriteria
    ) -> list[AttentionSignal]:
        rows = await self._rows(attention_statement(criteria))
        return [
            AttentionSignal(r.customer_id, r.job_id, AttentionReason(r.reason), r.at) for r in rows
        ]

    async def appliances_for_maintenance(self, horizon_end: date) -> list[MaintenanceCandidate]:
        rows = await self._rows(maintenance_statement(horizon_end))
        return [
            MaintenanceCandidate(r.appliance_id, r.customer_id, bool(r.predict), bool(r.remind))
            for r in rows
        ]

    async def jobs_due_for_survey(
        self, completed_after: datetime, completed_before: datetime, limit: int
    ) -> list[SurveyCandidate]:
        rows = await self._rows(survey_statement(completed_after, completed_before, limit))
        return [SurveyCandidate(r.id, r.customer_id, r.completion_date) for r in rows]


def attention_statement(c: AttentionCriteria) -> Any:
    """Every signal of `domain.attention`, minus those a later suggestion already handled."""
    j, f, m = t.jobs, t.service_follow_ups, t.messages
    r, tr = t.reviews, t.customer_technician_ratings
    now = literal(c.now, UtcDateTime)
    silent_before = literal(c.silent_before, UtcDateTime)

    def signal(reason: AttentionReason, customer: Any, job: Any, at: Any, since: Any) -> Any:
        return select(
            customer.label("customer_id"),
            job.label("job_id"),
            _text(reason.value).label("reason"),
            at.label("at"),
            since.label("since"),
        )

    completed = signal(
        AttentionReason.RECENT_COMPLETION,
        j.c.customer_id,
        j.c.id,
        j.c.completion_date,
        j.c.completion_date,
    ).where(
        j.c.status == COMPLETED,
        j.c.completion_date >= c.recent_since,
        j.c.completion_date <= now,
    )
    low_reviews = signal(
        AttentionReason.LOW_RATING, r.c.customer_id, r.c.job_id, r.c.created_at, r.c.created_at
    ).where(r.c.rating <= c.low_rating_max, r.c.created_at >= c.rating_since, r.c.created_at <= now)
    low_ratings = signal(
        AttentionReason.LOW_RATING, tr.c.customer_id, tr.c.job_id, tr.c.created_at, tr.c.created_at
    ).where(
        tr.c.rating <= c.low_rating_max, tr.c.created_at >= c.rating_since, tr.c.created_at <= now
    )
    feedback_at = func.coalesce(f.c.follow_up_date, f.c.created_at)
    negative = signal(
        AttentionReason.NEGATIVE_FEEDBACK, f.c.customer_id, f.c.job_id, feedback_at, feedback_at
    ).where(
        f.c.satisfaction_rating <= c.low_rating_max,
        feedback_at >= c.rating_since,
        feedback_at <= now,
    )
    spoken_to = exists().where(m.c.customer_id == j.c.customer_id, m.c.sent_at >= silent_before)
    silent = (
        signal(
            AttentionReason.LONG_SILENCE,
            j.c.customer_id,
            func.max(j.c.id),
            func.max(j.c.scheduled_for),
            silent_before,
        )
        .group_by(j.c.customer_id)
        .having(
            func.max(j.c.scheduled_for) < silent_before,
            func.max(j.c.created_at) < silent_before,
            or_(
                func.max(j.c.completion_date).is_(None),
                func.max(j.c.completion_date) < silent_before,
            ),
            ~spoken_to,
        )
    )
    signals = union_all(completed, low_reviews, low_ratings, negative, silent).subquery("signals")
    handled = exists().where(
        f.c.customer_id == signals.c.customer_id,
        f.c.suggestion_key.is_not(None),
        f.c.created_at >= signals.c.since,
    )
    return (
        select(signals.c.customer_id, signals.c.job_id, signals.c.reason, signals.c.at)
        .where(~handled)
        .order_by(signals.c.customer_id, signals.c.job_id, signals.c.reason)
    )


def maintenance_statement(horizon_end: date) -> Any:
    """Appliances without an alert or changed since it, and alerts owing a reminder."""
    a, ma, c = t.appliances, t.maintenance_alerts, t.customers
    predict = or_(ma.c.id.is_(None), a.c.updated_at > ma.c.updated_at)
    key = (
        _text(REMINDER_KEY_PREFIX)
        .concat(cast(a.c.id, String))
        .concat(_text(":"))
        .concat(cast(ma.c.due_date, String))
    )
    remind = and_(
        ma.c.id.is_not(None),
        ma.c.status.not_in([status.value for status in CLOSED]),
        ma.c.due_date <= horizon_end,
        c.c.marketing_consent.is_(True),
        ~_message_with_key(key),
    )
    return (
        select(
            a.c.id.label("appliance_id"),
            a.c.customer_id,
            case((predict, 1), else_=0).label("predict"),
            case((remind, 1), else_=0).label("remind"),
        )
        .select_from(
            a.join(c, c.c.id == a.c.customer_id).outerjoin(ma, ma.c.appliance_id == a.c.id)
        )
        .where(or_(predict, remind))
        .order_by(a.c.customer_id, a.c.id)
    )


def survey_statement(completed_after: datetime, completed_before: datetime, limit: int) -> Any:
    """COMPLETED jobs in the window, reachable customer, no survey message yet; oldest first."""
    j, c = t.jobs, t.customers
    key = _text(SURVEY_KEY_PREFIX).concat(cast(j.c.id, String))
    return (
        select(j.c.id, j.c.customer_id, j.c.completion_date)
        .join(c, c.c.id == j.c.customer_id)
        .where(
            j.c.status == COMPLETED,
            j.c.completion_date > completed_after,
            j.c.completion_date <= completed_before,
            or_(c.c.phone.is_not(None), c.c.email.is_not(None)),
            ~_message_with_key(key),
        )
        .order_by(j.c.completion_date, j.c.id)
        .limit(limit)
    )
