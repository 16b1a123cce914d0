"""The real SQL read queries over a `FakeDatabase`: its rows copied into SQLite in memory.

The Customer View and the engagement selections are SQL (JSON aggregation, EXISTS, window
functions); a Python re-implementation of them would be a second product to keep honest.
Instead each call copies the fake's current rows, through the SQL repositories, into a
fresh in-memory SQLite database (`metadata.create_all`) and asks the production query.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
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

# Fake tables whose repository on the unit of work has another name.
_REPOSITORY = {"consent_changes": "consents"}


@asynccontextmanager
async def mirrored(
    db: FakeDatabase, leave_out: frozenset[str] = frozenset()
) -> AsyncIterator[AsyncEngine]:
    """An in-memory SQLite engine holding a copy of `db`'s rows (ids kept), but `leave_out`."""
    # Foreign keys stay off (SQLite's default), so tables load in any order.
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        async with SqlUnitOfWork(engine) as uow:
            for name in TABLES:
                if name not in leave_out:
                    await _copy(uow, name, db.tables[name])
            await uow.commit()
        yield engine
    finally:
        await engine.dispose()


async def _copy(uow: SqlUnitOfWork, name: str, rows: dict[Any, Any]) -> None:
    if name == "webhook_events":
        for token, at in rows.items():
            await uow.webhook_events.remember(token, at)
        return
    if name == "consent_changes":
        for row in rows.values():
            await uow.consents.record(row.customer_id, row.change)
        return
    repository = getattr(uow, _REPOSITORY.get(name, name))
    table = sql_table(name)
    for row_id, row in sorted(rows.items()):
        added = await repository.add(copy.deepcopy(row))
        # The new id is above every id so far, so moving it to the fake's id never clashes.
        await uow.connection.execute(update(table).where(table.c.id == added.id).values(id=row_id))


class MirroredCustomerViewQuery:
    """`SqlCustomerViewQuery` over a copy of a FakeDatabase."""

    def __init__(self, db: FakeDatabase, default_currency: str = "USD") -> None:
        self.db = db
        self.default_currency = default_currency
        self.calls = 0

    async def customer_view(self, customer_id: int, cap: int) -> CustomerView | None:
        self.calls += 1
        async with mirrored(self.db) as engine:
            query = SqlCustomerViewQuery(engine, self.default_currency)
            return await query.customer_view(customer_id, cap)


class MirroredEngagementQueries:
    """`SqlEngagementQueries` over a copy of a FakeDatabase; `calls` counts each selection.

    `leave_out` names tables the selections do not see (to stage a race in a test)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.calls: Counter[str] = Counter()
        self.leave_out: frozenset[str] = frozenset()

    @asynccontextmanager
    async def _sql(self) -> AsyncIterator[SqlEngagementQueries]:
        async with mirrored(self._db, self.leave_out) as engine:
            yield SqlEngagementQueries(engine)

    async def customers_needing_attention(
        self, criteria: AttentionCriteria
    ) -> list[AttentionSignal]:
        self.calls["attention"] += 1
        async with self._sql() as sql:
            return await sql.customers_needing_attention(criteria)

    async def appliances_for_maintenance(self, horizon_end: date) -> list[MaintenanceCandidate]:
        self.calls["maintenance"] += 1
        async with self._sql() as sql:
            return await sql.appliances_for_maintenance(horizon_end)

    async def jobs_due_for_survey(
        self, completed_after: datetime, completed_before: datetime, limit: int
    ) -> list[SurveyCandidate]:
        self.calls["surveys"] += 1
        async with self._sql() as sql:
            return await sql.jobs_due_for_survey(completed_after, completed_before, limit)
