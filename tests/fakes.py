"""In-memory fakes of the application ports, for tests that must not touch a database.

`FakeDatabase` holds the committed rows; a fresh `FakeUnitOfWork(db)` per use-case call
opens a transaction over it, the way the real `SqlUnitOfWork` is used once per request.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from application.pagination import (
    ASSIGNED_TO_TECHNICIAN,
    DUE_BEFORE,
    NEWEST_FIRST,
    SCHEDULED_FROM,
    SCHEDULED_TO,
    SEARCH,
    SERVED_BY_TECHNICIAN,
    ListQuery,
    Page,
    capped_total,
)
from application.ports.outbox import SendResult
from domain.appliance import Appliance
from domain.audit import AuditEntry
from domain.customer import Customer
from domain.customer_search import SearchTerms
from domain.errors import Conflict, ValidationFailed
from domain.expense import Expense
from domain.follow_up import FollowUp
from domain.job import Job
from domain.maintenance_alert import MaintenanceAlert
from domain.maintenance_history import ServiceRecord
from domain.messaging.call_task import CallTask
from domain.messaging.consent import Consent, ConsentEntry
from domain.messaging.message import TERMINAL, Message, MessageStatus, Purpose
from domain.payment import Payment
from domain.review import Review, TechnicianRating
from domain.technician import Technician
from domain.time_window import ANY_TIME, TimeWindow
from domain.user import User
from tests.fake_schema import FILTERABLE, REFERENCED_BY, REFERENCES, TABLES, UNIQUE

T = TypeVar("T")

DEFAULT_NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that stands still until a test sets or advances it (always aware UTC)."""

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        self.set(now)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware datetime")
        self._now = now.astimezone(UTC)

    def advance(self, delta: timedelta = timedelta(minutes=1), /, **kwargs: float) -> datetime:
        """Move forward by `delta` (or `timedelta(**kwargs)`) and return the new time."""
        self._now += timedelta(**kwargs) if kwargs else delta
        return self._now


class FakePasswordHasher:
    """Deterministic, readable "hashes"; counts calls so tests can compare the work done."""

    PREFIX = "fake$"

    def __init__(self) -> None:
        self.hash_calls = 0
        self.verify_calls = 0

    def hash(self, password: str) -> str:
        self.hash_calls += 1
        return self.PREFIX + password

    def verify(self, password_hash: str, password: str) -> bool:
        self.verify_calls += 1
        return password_hash == self.PREFIX + password


def field_value(entity: Any, name: str) -> object:
    """A domain attribute by name: on the entity itself or on its `details`; enums as values."""
    value = getattr(entity, name) if hasattr(entity, name) else getattr(entity.details, name)
    return value.value if isinstance(value, enum.Enum) else value


def with_field(entity: T, name: str, value: object) -> T:
    """A copy of `entity` with one domain attribute (on it or its `details`) replaced."""
    changed: Any = copy.deepcopy(entity)
    setattr(changed if hasattr(changed, name) else changed.details, name, value)
    return cast(T, changed)


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return [_plain(one) for one in value]
    return value.value if isinstance(value, enum.Enum) else value


def _matches(value: object, wanted: object) -> bool:
    """Equal, or one of a list (SQL `IN`)."""
    return value in wanted if isinstance(wanted, list) else value == wanted


def sort_rows(rows: list[T], query: ListQuery) -> list[T]:
    """`rows` (newest id first) in the query's order as SQL gives it: NULLs last either way,
    text by its lower case, ties newest id first."""
    ordered = list(rows)
    for key in reversed([k for k in query.sort if k != NEWEST_FIRST]):

        def value(row: T, name: str = key.field, down: bool = key.descending) -> tuple[bool, Any]:
            found = field_value(row, name)
            found = found.lower() if isinstance(found, str) else found
            return (found is None) != down, found

        ordered.sort(key=value, reverse=key.descending)
    return ordered


class FakeDatabase:
    """The committed state shared by every `FakeUnitOfWork` of a test."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[int, Any]] = {name: {} for name in TABLES}
        # Like database sequences, ids are never reused, even after a rollback.
        self.last_ids: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.in_transaction = False
        self.commits = 0

    def uow(self) -> FakeUnitOfWork:
        """A fresh unit of work over this database (one per use-case call)."""
        return FakeUnitOfWork(self)

    def rows(self, table: str) -> list[Any]:
        """Copies of the stored rows of `table`, by ascending id (for assertions)."""
        return [copy.deepcopy(row) for _, row in sorted(self.tables[table].items())]

    def snapshot(self) -> dict[str, dict[int, Any]]:
        """A copy of every table, to compare before and after a call."""
        return copy.deepcopy(self.tables)

    def check_references(self, table: str, entity: object) -> None:
        """Refuse a row pointing at a missing parent (or at none, where the column is NOT
        NULL), as the table's foreign keys would."""
        for ref in REFERENCES[table]:
            value = field_value(entity, ref.column)
            if value is None and not ref.nullable:
                raise Conflict(f"{table}.{ref.column} may not be empty")
            if value is not None and value not in self.tables[ref.parent]:
                raise Conflict(f"{table}.{ref.column} {value} points at no {ref.parent} row")

    def delete_row(self, table: str, entity_id: int) -> None:
        """Delete one row with its foreign keys' ON DELETE actions (RESTRICT refuses while
        referenced, SET NULL clears, CASCADE deletes); all or nothing, like one statement."""
        saved = {name: dict(rows) for name, rows in self.tables.items()}
        try:
            self._delete_cascading(table, entity_id)
        except Conflict:
            self.tables = saved
            raise

    def _delete_cascading(self, table: str, entity_id: int) -> None:
        del self.tables[table][entity_id]
        for child, ref in REFERENCED_BY[table]:
            rows = self.tables[child]
            for row_id, row in list(rows.items()):
                if field_value(row, ref.column) != entity_id or row_id not in rows:
                    continue
                if ref.on_delete == "CASCADE":
                    self._delete_cascading(child, row_id)
                elif ref.on_delete == "SET NULL":
                    rows[row_id] = with_field(row, ref.column, None)
                else:
                    raise Conflict(f"{table} {entity_id} is still referenced by {child}")


class FakeRepository(Generic[T]):
    """One table of a `FakeDatabase`; stores and returns copies, like rows would."""

    def __init__(self, db: FakeDatabase, table: str) -> None:
        self._db = db
        self._table = table

    @property
    def _rows(self) -> dict[int, T]:
        if not self._db.in_transaction:
            raise RuntimeError("repository used outside its unit of work")
        return self._db.tables[self._table]

    def _check_unique(self, entity: Any) -> None:
        for column in UNIQUE.get(self._table, ()):
            value = field_value(entity, column)
            if value is None:  # like SQL, UNIQUE lets any number of NULLs in
                continue
            if any(
                field_value(other, column) == value and cast(Any, other).id != entity.id
                for other in self._rows.values()
            ):
                raise Conflict(f"{self._table} clashes with an existing record")

    async def add(self, entity: T) -> T:
        rows, row = self._rows, cast(Any, entity)
        self._check_unique(row)
        self._db.check_references(self._table, row)
        self._db.last_ids[self._table] += 1
        row.id = self._db.last_ids[self._table]
        rows[row.id] = copy.deepcopy(entity)
        return entity

    async def get(self, entity_id: int) -> T | None:
        found = self._rows.get(entity_id)
        return None if found is None else copy.deepcopy(found)

    async def update(self, entity: T) -> None:
        """Replace the stored row; a missing id changes nothing (like SQL UPDATE)."""
        rows = self._rows
        entity_id = cast(Any, entity).id
        if entity_id in rows:
            self._check_unique(entity)
            self._db.check_references(self._table, entity)
            rows[entity_id] = copy.deepcopy(entity)

    async def delete(self, entity_id: int) -> bool:
        rows = self._rows
        if entity_id not in rows:
            return False
        self._db.delete_row(self._table, entity_id)
        return True

    async def list(self, query: ListQuery) -> Page[T]:
        """Rows matching every filter, in the query's order (newest id first by default),
        one page of them."""
        matching = sort_rows(self._filtered(query), query)
        page = matching[query.offset : query.offset + query.limit]
        total = self._total(query, len(matching))
        return Page(copy.deepcopy(page), total, query.limit, query.offset)

    def _total(self, query: ListQuery, matching: int) -> int:
        """The page's `total` for `matching` rows (capped for a search)."""
        return matching

    async def exists(self, query: ListQuery) -> bool:
        return bool(self._filtered(query))

    def _filtered(self, query: ListQuery) -> list[T]:
        """Every row matching the query's filters, newest id first."""
        filters = dict(query.filters)
        scopes = self._technician_scopes(filters)
        for name in filters:
            if name not in FILTERABLE[self._table]:
                raise ValidationFailed.single(name, "is not a filter of this list")
        wanted = {k: _plain(v) for k, v in filters.items()}
        matching = [
            row
            for _, row in sorted(self._rows.items(), reverse=True)
            if all(_matches(field_value(row, k), v) for k, v in wanted.items())
            and all(scope(row) for scope in scopes)
        ]
        return matching

    def _technician_scopes(self, filters: dict[str, object]) -> list[Callable[[Any], bool]]:
        """The access policy's technician filters (popped from `filters`), as in SQL."""
        scopes: list[Callable[[Any], bool]] = []
        jobs = self._db.tables["jobs"].values()
        if (technician := filters.pop(SERVED_BY_TECHNICIAN, None)) is not None:
            served = {j.details.customer_id for j in jobs if j.details.technician_id == technician}
            if self._table == "customers":
                scopes.append(lambda row: row.id in served)
            else:
                scopes.append(lambda row: field_value(row, "customer_id") in served)
        if (technician := filters.pop(ASSIGNED_TO_TECHNICIAN, None)) is not None:
            assigned = {j.id for j in jobs if j.details.technician_id == technician}
            scopes.append(lambda row: field_value(row, "job_id") in assigned)
        return scopes


class FakeUserRepository(FakeRepository[User]):
    """Users, found by username."""

    async def get_by_username(self, username: str) -> User | None:
        found = next((u for u in self._rows.values() if u.username == username), None)
        return copy.deepcopy(found)

    async def count(self) -> int:
        return len(self._rows)


class FakeCustomerRepository(FakeRepository[Customer]):
    """Customers, found by referral code and walked up their referral chain, searched by
    `domain.customer_search` (best match first)."""

    def _filtered(self, query: ListQuery) -> list[Customer]:
        q = query.filters.get(SEARCH)
        if q is None:
            return super()._filtered(query)
        others = {name: value for name, value in query.filters.items() if name != SEARCH}
        terms = SearchTerms.parse(str(q))
        ranked = []
        for customer in super()._filtered(ListQuery(filters=others)):
            d = customer.details
            rank = terms.rank(d.name, d.email, d.address, d.phone)
            if rank is not None:
                ranked.append((rank, customer))
        ranked.sort(key=lambda found: found[0])  # stable: newest first within a rank
        return [customer for _, customer in ranked]

    def _total(self, query: ListQuery, matching: int) -> int:
        return capped_total(query, matching)

    async def get_by_referral_code(self, code: str) -> Customer | None:
        found = next((c for c in self._rows.values() if c.referral_code == code), None)
        return copy.deepcopy(found)

    async def find_by_phone(self, phone: str) -> list[Customer]:
        found = [c for _, c in sorted(self._rows.items(), reverse=True) if c.details.phone == phone]
        return copy.deepcopy(found)

    async def referral_chain(self, customer_id: int) -> list[int]:
        chain: list[int] = []
        current = self._rows.get(customer_id)
        while current is not None and current.referred_by_id is not None:
            if current.referred_by_id in chain:
                break
            chain.append(current.referred_by_id)
            current = self._rows.get(current.referred_by_id)
        return chain


class FakeJobRepository(FakeRepository[Job]):
    """Jobs, also counted per technician for workload; listed in a scheduled-for window."""

    def _filtered(self, query: ListQuery) -> list[Job]:
        start = query.filters.get(SCHEDULED_FROM)
        end = query.filters.get(SCHEDULED_TO)
        window = (SCHEDULED_FROM, SCHEDULED_TO)
        others = {k: v for k, v in query.filters.items() if k not in window}
        return [
            job
            for job in super()._filtered(ListQuery(filters=others))
            if (start is None or job.details.scheduled_for >= cast(datetime, start))
            and (end is None or job.details.scheduled_for < cast(datetime, end))
        ]

    async def open_job_counts(
        self, technician_ids: Sequence[int], window: TimeWindow = ANY_TIME
    ) -> dict[int, int]:
        wanted = set(technician_ids)
        counts: dict[int, int] = {}
        for job in self._rows.values():
            tech = job.details.technician_id
            if tech not in wanted or job.status.value not in ("SCHEDULED", "IN_PROGRESS"):
                continue
            if not window.contains(job.details.scheduled_for):
                continue
            counts[tech] = counts.get(tech, 0) + 1
        return counts

    async def booked_between(
        self, technician_id: int, after: datetime, before: datetime, excluding_job_id: int
    ) -> list[int]:
        return sorted(
            job_id
            for job_id, job in self._rows.items()
            if job.details.technician_id == technician_id
            and job.status.value != "CANCELLED"
            and after < job.details.scheduled_for < before
            and job_id != excluding_job_id
        )

    async def completed_appliance_services(self, limit: int) -> list[ServiceRecord]:
        appliances = self._db.tables["appliances"]
        done = sorted(
            (
                job
                for job in self._rows.values()
                if job.status.value == "COMPLETED"
                and job.completion_date is not None
                and job.details.appliance_id in appliances
            ),
            key=lambda job: (job.completion_date, job.id),
            reverse=True,
        )[:limit]
        return [
            ServiceRecord(
                job.details.appliance_id,
                appliances[job.details.appliance_id].details.type,
                appliances[job.details.appliance_id].details.brand,
                cast(datetime, job.completion_date).date(),
            )
            for job in done
        ]

    async def completed_job_texts(
        self, technician_ids: Sequence[int], per_technician: int
    ) -> dict[int, list[tuple[int, str]]]:
        wanted = set(technician_ids)
        done = sorted(
            (
                job
                for job in self._rows.values()
                if job.details.technician_id in wanted and job.status.value == "COMPLETED"
            ),
            key=lambda job: (job.completion_date is not None, job.completion_date, job.id),
            reverse=True,
        )
        texts: dict[int, list[tuple[int, str]]] = {}
        for job in done:
            d = job.details
            mine = texts.setdefault(cast(int, d.technician_id), [])
            if len(mine) < per_technician:
                mine.append(
                    (job.id, f"{d.appliance} {d.description}" if d.appliance else d.description)
                )
        return texts


class FakeMaintenanceAlertRepository(FakeRepository[MaintenanceAlert]):
    """Alerts, one per appliance; lists also take `due_before` (due on or before), as in SQL."""

    def _filtered(self, query: ListQuery) -> list[MaintenanceAlert]:
        due_before = query.filters.get(DUE_BEFORE)
        rest = {k: v for k, v in query.filters.items() if k != DUE_BEFORE}
        rows = super()._filtered(ListQuery(query.limit, query.offset, rest))
        return [a for a in rows if due_before is None or a.due_date <= due_before]

    async def for_appliances(self, appliance_ids: Sequence[int]) -> dict[int, MaintenanceAlert]:
        wanted = set(appliance_ids)
        rows = self._rows.values()
        return {a.appliance_id: copy.deepcopy(a) for a in rows if a.appliance_id in wanted}


class FakeCallTaskRepository(FakeRepository[CallTask]):
    """The office's call list, listed oldest first (by creation time, then id), as in SQL."""

    def _filtered(self, query: ListQuery) -> list[CallTask]:
        return sorted(super()._filtered(query), key=lambda c: (c.created_at, c.id or 0))


class FakeAuditEntryRepository(FakeRepository[AuditEntry]):
    """The audit trail; listed newest first by time, then id, as in SQL."""

    async def list(self, query: ListQuery) -> Page[AuditEntry]:
        matching = sorted(self._filtered(query), key=lambda e: (e.occurred_at, e.id or 0))
        matching.reverse()
        matching = sort_rows(matching, query)
        page = matching[query.offset : query.offset + query.limit]
        return Page(copy.deepcopy(page), len(matching), query.limit, query.offset)


class FakeDataLifecycle:
    """Erasure of the customer record and its messages, pruning of message bodies: the
    part of the SQL adapter's rules (adapters/sqlalchemy/data_lifecycle.py) the unit
    tests rely on; the integration tests check every table on the real databases."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def erase_customer(self, customer_id: int) -> dict[str, int]:
        customers = cast(dict[int, Any], self._db.tables["customers"])
        customer = customers[customer_id]
        customer.details = dataclasses.replace(
            customer.details,
            name=f"Erased customer {customer_id}",
            phone=None,
            email=None,
            address=None,
            notes=None,
        )
        mine = [m for m in self._db.tables["messages"].values() if m.customer_id == customer_id]
        for message in mine:
            message.recipient = message.body = "(erased)"
            message.last_error = None
        return {"customers": 1, "messages": len(mine)}

    async def prune(self, cutoffs: Any) -> dict[str, int]:
        if cutoffs.message_bodies is None:
            return {}
        old = [
            m
            for m in self._db.tables["messages"].values()
            if m.status in TERMINAL
            and m.updated_at < cutoffs.message_bodies
            and m.body != "(pruned)"
        ]
        for message in old:
            message.body = "(pruned)"
        return {"message_bodies": len(old)}


class FakeUnitOfWork:
    """One transaction over a `FakeDatabase`: used once; rolls back unless committed.

    Like the SQL unit of work, what is written after `commit()` is discarded on exit.
    """

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db if db is not None else FakeDatabase()
        self.committed = False
        self.is_read_only = False
        self._used = False
        self.customers = FakeCustomerRepository(self.db, "customers")
        self.technicians = FakeRepository[Technician](self.db, "technicians")
        self.jobs = FakeJobRepository(self.db, "jobs")
        self.payments = FakeRepository[Payment](self.db, "payments")
        self.expenses = FakeRepository[Expense](self.db, "expenses")
        self.users = FakeUserRepository(self.db, "users")
        self.appliances = FakeRepository[Appliance](self.db, "appliances")
        self.reviews = FakeRepository[Review](self.db, "reviews")
        self.technician_ratings = FakeRepository[TechnicianRating](self.db, "technician_ratings")
        self.follow_ups = FakeRepository[FollowUp](self.db, "follow_ups")
        self.maintenance_alerts = FakeMaintenanceAlertRepository(self.db, "maintenance_alerts")
        self.messages = FakeMessageRepository(self.db, "messages")
        self.consents = FakeConsentRepository(self.db, "consent_ledger")
        self.call_tasks = FakeCallTaskRepository(self.db, "call_tasks")
        self.webhook_events = FakeWebhookEventRepository(self.db)
        self.audit_entries = FakeAuditEntryRepository(self.db, "audit_entries")
        self.data_lifecycle = FakeDataLifecycle(self.db)

    async def __aenter__(self) -> Self:
        if self._used:
            raise RuntimeError("a unit of work is used once; create a new one")
        if self.db.in_transaction:
            raise RuntimeError("another FakeUnitOfWork is open on this database")
        self._used = True
        self.db.in_transaction = True
        self._saved = self._copy_tables()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.db.tables = self._saved
        self.db.in_transaction = False

    def read_only(self) -> Self:
        self.is_read_only = True
        return self

    async def commit(self) -> None:
        if not self.db.in_transaction:
            raise RuntimeError("commit outside the unit of work")
        if self.is_read_only:
            raise RuntimeError("a read-only unit of work does not commit")
        self._saved = self._copy_tables()
        self.committed = True
        self.db.commits += 1

    def _copy_tables(self) -> dict[str, dict[int, Any]]:
        # Stored rows are never mutated in place (repositories store copies), so copying
        # the dicts is enough to restore them.
        return {name: dict(rows) for name, rows in self.db.tables.items()}


# --- The outbox: messages (with the atomic claim), consent, webhook receipts, a sender ---


class FakeMessageRepository(FakeRepository[Message]):
    """The outbox. Like the SQL conditional UPDATE, `claim` checks and sets with no await
    in between, so of two tasks racing for a message exactly one gets it."""

    def _matching(self, **wanted: object) -> list[Message]:
        return [
            row
            for _, row in sorted(self._rows.items())
            if all(getattr(row, k) == v for k, v in wanted.items())
        ]

    async def get_by_idempotency_key(self, key: str) -> Message | None:
        found = self._matching(idempotency_key=key)
        return copy.deepcopy(found[-1]) if found else None

    async def get_by_provider_id(self, provider_message_id: str) -> Message | None:
        found = self._matching(provider_message_id=provider_message_id)
        return copy.deepcopy(found[-1]) if found else None

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        due = [
            m
            for m in self._rows.values()
            if m.status is MessageStatus.SCHEDULED and m.scheduled_for <= now
        ]
        due.sort(key=lambda m: (m.scheduled_for, m.id))
        return [cast(int, m.id) for m in due[:limit]]

    async def claim(self, message_id: int, now: datetime) -> Message | None:
        rows = self._rows
        stored = rows.get(message_id)
        if (
            stored is None
            or stored.status is not MessageStatus.SCHEDULED
            or stored.scheduled_for > now
        ):
            return None
        claimed = copy.deepcopy(stored)
        claimed.status = MessageStatus.SENDING
        claimed.attempts += 1
        claimed.updated_at = now
        rows[message_id] = copy.deepcopy(claimed)
        return claimed

    async def update_if_status(self, message: Message, expected: MessageStatus) -> bool:
        rows = self._rows
        stored = rows.get(cast(int, message.id))
        if stored is None or stored.status is not expected:
            return False
        self._check_unique(message)
        self._db.check_references(self._table, message)
        rows[cast(int, message.id)] = copy.deepcopy(message)
        return True

    async def stale_sending(self, updated_before: datetime, limit: int) -> list[Message]:
        stale = [
            m
            for m in self._rows.values()
            if m.status is MessageStatus.SENDING and m.updated_at < updated_before
        ]
        stale.sort(key=lambda m: (m.updated_at, m.id))
        return copy.deepcopy(stale[:limit])

    async def recent_sends(self, customer_id: int, since: datetime) -> list[datetime]:
        return [
            m.sent_at
            for m in self._rows.values()
            if m.customer_id == customer_id
            and m.purpose is not Purpose.TRANSACTIONAL
            and m.sent_at is not None
            and m.sent_at >= since
        ]


@dataclass(slots=True)
class ConsentRow:
    customer_id: int
    entry: ConsentEntry
    id: int | None = None


class FakeConsentRepository:
    """The ledger: append and read only, ordered like the SQL (time, then id)."""

    def __init__(self, db: FakeDatabase, table: str) -> None:
        self._rows = FakeRepository[ConsentRow](db, table)

    def _entries(self, customer_id: int) -> list[ConsentEntry]:
        rows = [r for r in self._rows._rows.values() if r.customer_id == customer_id]
        rows.sort(key=lambda r: (r.entry.at, r.id or 0))
        return [dataclasses.replace(r.entry, id=r.id) for r in rows]

    async def append(self, customer_id: int, entry: ConsentEntry) -> ConsentEntry:
        row = await self._rows.add(ConsentRow(customer_id, dataclasses.replace(entry, id=None)))
        return dataclasses.replace(entry, id=row.id)

    async def latest(self, customer_id: int) -> list[ConsentEntry]:
        latest = Consent.from_entries(self._entries(customer_id)).latest.values()
        return sorted(latest, key=lambda e: (e.at, e.id or 0))

    async def history(
        self, customer_id: int, limit: int, offset: int
    ) -> tuple[list[ConsentEntry], int]:
        entries = self._entries(customer_id)[::-1]
        return entries[offset : offset + limit], len(entries)


class FakeWebhookEventRepository:
    """Receipts keyed by token, like the table's primary key."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def remember(self, token: str, at: datetime) -> bool:
        if not self._db.in_transaction:
            raise RuntimeError("repository used outside its unit of work")
        seen = cast(dict[Any, Any], self._db.tables["webhook_events"])
        if token in seen:
            return False
        seen[token] = at
        return True


class FakeSender:
    """A MessageSender that records every send (with the clock's instant) and can be told
    to fail: `fail_with` holds SendErrors raised by the next sends, in order."""

    def __init__(self, clock: FakeClock | None = None, pause: bool = True) -> None:
        self.clock = clock
        self.pause = pause
        self.sent: list[tuple[int, datetime | None]] = []
        self.fail_with: list[Exception] = []
        self.statuses: dict[str, MessageStatus] = {}
        self.status_queries: list[str] = []
        self.bodies: list[tuple[int, str]] = []  # (message id, the text that went out)
        self.chooses_ids = False
        self.chosen = 0

    async def send(self, message: Message) -> SendResult:
        if self.pause:
            await asyncio.sleep(0)  # let other tasks run, as a network call would
        if self.fail_with:
            raise self.fail_with.pop(0)
        assert message.id is not None
        self.sent.append((message.id, self.clock.now() if self.clock else None))
        self.bodies.append((message.id, message.body))
        chosen = message.provider_message_id if self.chooses_ids else None
        return SendResult(chosen or f"SM{len(self.sent):032d}")

    def choose_id(self, message: Message) -> str | None:
        """Like SMTP when `chooses_ids` is set (an id known before the send)."""
        if not self.chooses_ids:
            return None
        self.chosen += 1
        return f"chosen-{self.chosen}"

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        assert message.provider_message_id is not None
        self.status_queries.append(message.provider_message_id)
        return self.statuses.get(message.provider_message_id)

    def sent_ids(self) -> list[int]:
        return [message_id for message_id, _ in self.sent]
