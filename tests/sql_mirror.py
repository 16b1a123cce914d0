"""The real SQL read queries over a `FakeDatabase`: its rows copied into SQLite in memory.

The Customer View and the engagement selections are SQL (JSON aggregation, EXISTS, window
functions); a Python re-implementation of them would be a second product to keep honest.
Instead each call copies the fake's current rows, through the SQL repositories, into an
in-memory SQLite database (`metadata.create_all`) and asks the production query.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.ports.engagement import MaintenanceCandidate, SurveyCandidate
from application.read_models.customer_view import CustomerView
from domain.attention import AttentionCriteria, AttentionSignal
from tests.fake_schema import TABLES, sql_table
from tests.fakes import FakeDatabase

T = TypeVar("T")

# Fake tables whose repository on the unit of work has another name.
_REPOSITORY = {"consent_ledger": "consents"}


class _Mirror:
    """One in-memory SQLite database, on its own event loop in a daemon thread, shared by
    every test of the process: the schema is created and the SQL compiled once; each use
    empties it, loads one FakeDatabase and runs one query, one use at a time."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="sql-mirror", daemon=True).start()
        self._engine: AsyncEngine | None = None
        self._lock: asyncio.Lock | None = None
        self._filled: list[str] = []
        self._loaded: dict[str, dict[Any, Any]] = {}

    async def run(
        self,
        db: FakeDatabase,
        ask: Callable[[AsyncEngine], Awaitable[T]],
        leave_out: frozenset[str] = frozenset(),
    ) -> T:
        """`ask(engine)` over a copy of `db`'s rows as they are now (but `leave_out`)."""
        # Stored rows are never changed in place, so copying the dicts freezes the state.
        rows = {name: dict(db.tables[name]) for name in TABLES if name not in leave_out}
        done = asyncio.run_coroutine_threadsafe(self._run(rows, ask), self._loop)
        return await asyncio.wrap_future(done)

    async def _run(
        self, rows: dict[str, dict[Any, Any]], ask: Callable[[AsyncEngine], Awaitable[T]]
    ) -> T:
        if self._engine is None or self._lock is None:
            # Foreign keys stay off (SQLite's default), so tables load in any order.
            self._engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
            self._lock = asyncio.Lock()
            async with self._engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
        async with self._lock:
            if not _same_rows(rows, self._loaded):
                await self._load(rows)
            return await ask(self._engine)

    async def _load(self, rows: dict[str, dict[Any, Any]]) -> None:
        assert self._engine is not None
        self._loaded = {}
        async with self._engine.begin() as conn:  # empty what the last use filled
            for name in self._filled:
                await conn.execute(delete(sql_table(name)))
        self._filled = [name for name, table_rows in rows.items() if table_rows]
        async with SqlUnitOfWork(self._engine) as uow:
            for name in self._filled:
                await _copy(uow, name, rows[name])
            await uow.commit()
        self._loaded = rows


_mirror = _Mirror()


def _same_rows(rows: dict[str, dict[Any, Any]], loaded: dict[str, dict[Any, Any]]) -> bool:
    """The same stored row objects (rows are replaced, never changed in place)."""
    return rows.keys() == loaded.keys() and all(
        table.keys() == loaded[name].keys()
        and all(row is loaded[name][key] for key, row in table.items())
        for name, table in rows.items()
    )


async def _copy(uow: SqlUnitOfWork, name: str, rows: dict[Any, Any]) -> None:
    if name == "webhook_events":
        for token, at in rows.items():
            await uow.webhook_events.remember(token, at)
        return
    if name == "consent_ledger":
        for row in rows.values():
            await uow.consents.append(row.customer_id, row.entry)
        return
    repository = getattr(uow, _REPOSITORY.get(name, name))
    table = sql_table(name)
    for row_id, row in sorted(rows.items()):
        added = await repository.add(copy.deepcopy(row))
        if added.id != row_id:
            # The new id is above every id so far: moving it to the fake's id never clashes.
            await uow.connection.execute(
                update(table).where(table.c.id == added.id).values(id=row_id)
            )


@functools.cache
def _view_query(engine: AsyncEngine, currency: str) -> SqlCustomerViewQuery:
    """One query object per currency (it builds its statement once)."""
    return SqlCustomerViewQuery(engine, currency)


class MirroredCustomerViewQuery:
    """`SqlCustomerViewQuery` over a copy of a FakeDatabase."""

    def __init__(self, db: FakeDatabase, default_currency: str = "USD") -> None:
        self.db = db
        self.default_currency = default_currency
        self.calls = 0

    async def customer_view(
        self, customer_id: int, cap: int, uow: object | None = None
    ) -> CustomerView | None:
        """`uow` is ignored: the mirror reads its own copy of the fake's committed rows."""
        self.calls += 1
        return await _mirror.run(
            self.db,
            lambda engine: _view_query(engine, self.default_currency).customer_view(
                customer_id, cap
            ),
        )


class MirroredEngagementQueries:
    """`SqlEngagementQueries` over a copy of a FakeDatabase; `calls` counts each selection.

    `leave_out` names tables the selections do not see (to stage a race in a test)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.calls: Counter[str] = Counter()
        self.leave_out: frozenset[str] = frozenset()

    def _sql(self, ask: Callable[[SqlEngagementQueries], Awaitable[T]]) -> Awaitable[T]:
        return _mirror.run(
            self._db, lambda engine: ask(SqlEngagementQueries(engine)), self.leave_out
        )

    async def customers_needing_attention(
        self, criteria: AttentionCriteria
    ) -> list[AttentionSignal]:
        self.calls["attention"] += 1
        return await self._sql(lambda sql: sql.customers_needing_attention(criteria))

    async def appliances_for_maintenance(self, horizon_end: date) -> list[MaintenanceCandidate]:
        self.calls["maintenance"] += 1
        return await self._sql(lambda sql: sql.appliances_for_maintenance(horizon_end))

    async def jobs_due_for_survey(
        self, completed_after: datetime, completed_before: datetime, limit: int
    ) -> list[SurveyCandidate]:
        self.calls["surveys"] += 1
        return await self._sql(
            lambda sql: sql.jobs_due_for_survey(completed_after, completed_before, limit)
        )
