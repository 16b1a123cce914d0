"""The outbox tables: messages (with the atomic claim), the consent ledger, call tasks and
webhook receipts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import UnaryExpression, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.table_repository import TableRepository
from domain.contact_preferences import ContactMethod
from domain.errors import Conflict
from domain.messaging.call_task import CallTask
from domain.messaging.consent import ConsentEntry
from domain.messaging.message import Message, MessageStatus, Purpose
from domain.messaging.message_fields import CALL_TASK_FIELDS, MESSAGE_FIELDS

m = t.messages
c = t.consent_ledger

# The statements a dispatch runs for every message, built once: constructing a statement
# and computing its cache key costs more Python time than executing it (SQLAlchemy memoizes
# the cache key on the statement object, so a reused statement skips both). Same SQL as
# building them per call; only the parameter names differ.
_CLAIM = (
    update(m)
    .where(
        m.c.id == bindparam("b_id"),
        m.c.status == MessageStatus.SCHEDULED.value,
        m.c.scheduled_for <= bindparam("b_now"),
    )
    .values(
        status=MessageStatus.SENDING.value,
        attempts=m.c.attempts + 1,
        updated_at=bindparam("b_updated_at", type_=m.c.updated_at.type),
    )
    .returning(*m.c)
)
# The SET clause comes from the parameters' column keys (every column `to_row` gives).
_UPDATE_IF_STATUS = update(m).where(
    m.c.id == bindparam("b_id"), m.c.status == bindparam("b_expected")
)
_RECENT_SENDS = select(m.c.sent_at).where(
    m.c.customer_id == bindparam("b_customer_id"),
    m.c.purpose != Purpose.TRANSACTIONAL.value,
    m.c.sent_at.is_not(None),
    m.c.sent_at >= bindparam("b_since"),
)
_newer = c.alias("newer")
_CONSENT_LATEST = (
    select(c)
    .where(
        c.c.customer_id == bindparam("b_customer_id"),
        ~exists().where(
            _newer.c.customer_id == c.c.customer_id,
            _newer.c.channel == c.c.channel,
            _newer.c.purpose == c.c.purpose,
            or_(_newer.c.at > c.c.at, and_(_newer.c.at == c.c.at, _newer.c.id > c.c.id)),
        ),
    )
    .order_by(c.c.at, c.c.id)
)


class MessageRepository(TableRepository[Message]):
    table = m
    fields = MESSAGE_FIELDS
    entity = "message"
    filterable = ("customer_id", "status", "follow_up_id", "job_id")

    async def get_by_idempotency_key(self, key: str) -> Message | None:
        return await self._newest(m.c.idempotency_key == key)

    async def get_by_provider_id(self, provider_message_id: str) -> Message | None:
        return await self._newest(m.c.provider_message_id == provider_message_id)

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        query = (
            select(m.c.id)
            .where(m.c.status == MessageStatus.SCHEDULED.value, m.c.scheduled_for <= now)
            .order_by(m.c.scheduled_for, m.c.id)
            .limit(limit)
        )
        return list((await self._conn.execute(query)).scalars())

    async def claim(self, message_id: int, now: datetime) -> Message | None:
        # One conditional UPDATE: of two workers racing for the row, the database lets
        # exactly one match `status = 'SCHEDULED'`; the other updates nothing.
        params = {"b_id": message_id, "b_now": now, "b_updated_at": now}
        row = (await self._conn.execute(_CLAIM, params)).first()
        return None if row is None else self.from_row(row)

    async def update_if_status(self, message: Message, expected: MessageStatus) -> bool:
        params = {"b_id": message.id, "b_expected": expected.value, **self.to_row(message)}
        try:
            result = await self._conn.execute(_UPDATE_IF_STATUS, params)
        except IntegrityError as exc:
            raise Conflict("message clashes with an existing record") from exc
        return result.rowcount == 1

    async def stale_sending(self, updated_before: datetime, limit: int) -> list[Message]:
        query = (
            select(m)
            .where(m.c.status == MessageStatus.SENDING.value, m.c.updated_at < updated_before)
            .order_by(m.c.updated_at, m.c.id)
            .limit(limit)
        )
        return [self.from_row(row) for row in await self._conn.execute(query)]

    async def recent_sends(self, customer_id: int, since: datetime) -> list[datetime]:
        params = {"b_customer_id": customer_id, "b_since": since}
        return list((await self._conn.execute(_RECENT_SENDS, params)).scalars())


def _entry(row: Any) -> ConsentEntry:
    return ConsentEntry(
        ContactMethod(row.channel),
        Purpose(row.purpose),
        row.allowed,
        row.at,
        row.source,
        row.actor_user_id,
        row.note,
        row.id,
    )


class ConsentRepository:
    """The consent ledger: INSERT and SELECT only."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, customer_id: int, entry: ConsentEntry) -> ConsentEntry:
        values = {
            "customer_id": customer_id,
            "channel": entry.channel.value,
            "purpose": entry.purpose.value,
            "allowed": entry.allowed,
            "at": entry.at,
            "source": entry.source,
            "actor_user_id": entry.actor_user_id,
            "note": entry.note,
        }
        try:
            result = await self._conn.execute(insert(c).values(values).returning(c.c.id))
        except IntegrityError as exc:  # no such customer: a Conflict, as in every repository
            raise Conflict(f"customer {customer_id} does not exist") from exc
        return replace(entry, id=result.scalar_one())

    async def latest(self, customer_id: int) -> list[ConsentEntry]:
        rows = await self._conn.execute(_CONSENT_LATEST, {"b_customer_id": customer_id})
        return [_entry(row) for row in rows]

    async def history(
        self, customer_id: int, limit: int, offset: int
    ) -> tuple[list[ConsentEntry], int]:
        mine = c.c.customer_id == customer_id
        total = (
            await self._conn.execute(select(func.count()).select_from(c).where(mine))
        ).scalar_one()
        query = select(c).where(mine).order_by(c.c.at.desc(), c.c.id.desc())
        rows = await self._conn.execute(query.limit(limit).offset(offset))
        return [_entry(row) for row in rows], total


class CallTaskRepository(TableRepository[CallTask]):
    """The office's call list: listed OLDEST first (the longest-waiting call on top)."""

    table = t.call_tasks
    fields = CALL_TASK_FIELDS
    entity = "call task"
    filterable = ("customer_id", "status", "message_id")

    @property
    def _order(self) -> list[UnaryExpression[Any]]:
        return [t.call_tasks.c.created_at.asc(), t.call_tasks.c.id.asc()]


class WebhookEventRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def remember(self, token: str, at: datetime) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING: a repeat inserts nothing and, unlike a caught
        # IntegrityError, leaves a PostgreSQL transaction usable. A concurrent duplicate
        # waits for the first one's commit and then inserts nothing.
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(t.webhook_events)
            .values(token=token, received_at=at)
            .on_conflict_do_nothing(index_elements=["token"])
        )
        result = await self._conn.execute(statement)
        return result.rowcount == 1
