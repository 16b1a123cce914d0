"""The per-customer data version (migration 0014's triggers), on SQLite and PostgreSQL:
every insert, update and delete of a record of the customer's bumps it in the same
transaction, and a rolled-back write leaves it as it was."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Table, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.customer_data_versions import SqlCustomerDataVersions
from adapters.sqlalchemy.types import UtcDateTime
from entrypoints.container import Container

NOW = datetime(2026, 1, 1, tzinfo=UTC)
_serial = itertools.count()

# Every table whose rows belong to a customer, in an order where each row's parents exist.
OWNED = [
    t.jobs,
    t.appliances,
    t.service_follow_ups,
    t.messages,
    t.payments,
    t.expenses,
    t.reviews,
    t.customer_technician_ratings,
    t.consent_ledger,
    t.maintenance_alerts,
    t.call_tasks,
]


def _sample(column: Any) -> Any:
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return NOW
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, Float):
        return 0.5
    if isinstance(kind, Integer):
        return 3  # a valid rating too
    if isinstance(kind, String):
        return f"x{next(_serial)}"[: kind.length or 20]
    raise AssertionError(f"no sample for {column}")


def row(table: Table, parents: dict[str, int]) -> dict[str, Any]:
    """The required columns of `table`, foreign keys pointing at `parents` (table -> id)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        target = next((fk.column.table.name for fk in column.foreign_keys), None)
        if target is not None:
            if target in parents:
                values[column.name] = parents[target]
            continue
        if not column.nullable and column.server_default is None:
            values[column.name] = _sample(column)
    return values


async def add(conn: AsyncConnection, table: Table, parents: dict[str, int], **extra: Any) -> int:
    result = await conn.execute(insert(table).values({**row(table, parents), **extra}))
    return int(result.inserted_primary_key[0])


def current_version(engine: AsyncEngine) -> Callable[[int], Awaitable[int]]:
    """The version of an existing customer (fails for a missing one)."""
    versions = SqlCustomerDataVersions(engine)

    async def version(customer_id: int) -> int:
        found = await versions.version(customer_id)
        assert found is not None
        return found

    return version


@pytest.fixture
def engine(container: Container) -> AsyncEngine:
    return container.engine()


async def test_every_write_to_each_kind_of_record_bumps_the_version(engine: AsyncEngine) -> None:
    version = current_version(engine)
    async with engine.begin() as conn:
        cid = await add(conn, t.customers, {})
        other = await add(conn, t.customers, {})
        parents = {"customers": cid, "technicians": await add(conn, t.technicians, {})}
        # Extra rows hang off their own job and appliance (one review, alert... per each).
        spare = {**parents, "jobs": await add(conn, t.jobs, parents)}
        spare["appliances"] = await add(conn, t.appliances, spare)
    for table in OWNED:
        name, before = table.name, await version(cid)
        async with engine.begin() as conn:
            parents[name] = await add(conn, table, parents)
        inserted = await version(cid)
        assert inserted > before, name
        async with engine.begin() as conn:
            same = table.c.id == parents[name]
            await conn.execute(update(table).where(same).values(customer_id=cid))
        assert await version(cid) > inserted, name
        # A row moved to another customer changes both; deleting it then only the other.
        async with engine.begin() as conn:
            extra = await add(conn, table, {**parents, **spare})
        mine, others = await version(cid), await version(other)
        async with engine.begin() as conn:
            moved = table.c.id == extra
            await conn.execute(update(table).where(moved).values(customer_id=other))
        assert await version(cid) > mine and await version(other) > others, name
        mine, others = await version(cid), await version(other)
        async with engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.id == extra))
        assert await version(cid) == mine and await version(other) > others, name
    for table in reversed(OWNED):  # deleting each, newest kind first
        before = await version(cid)
        async with engine.begin() as conn:
            if table is t.jobs:  # appliances point back at the job
                await conn.execute(update(t.appliances).values(job_id=None))
            await conn.execute(delete(table).where(table.c.id == parents[table.name]))
        assert await version(cid) > before, table.name


async def test_customers_referrals_and_technicians(engine: AsyncEngine) -> None:
    version = current_version(engine)
    async with engine.begin() as conn:
        referrer = await add(conn, t.customers, {})
        tech = await add(conn, t.technicians, {})
        served = await add(conn, t.customers, {})
        await add(conn, t.jobs, {"customers": served, "technicians": tech})
    steps = []

    async def step(
        label: str, statement: Any, *bumped: int, unchanged: tuple[int, ...] = ()
    ) -> None:
        before = {c: await version(c) for c in (*bumped, *unchanged)}
        async with engine.begin() as conn:
            result = await conn.execute(statement)
        steps.append((label, result))
        for c in bumped:
            assert await version(c) > before[c], (label, c)
        for c in unchanged:
            assert await version(c) == before[c], (label, c)

    c = t.customers
    await step(
        "edit", update(c).where(c.c.id == served).values(notes="n"), served, unchanged=(referrer,)
    )
    async with engine.begin() as conn:
        before = await version(referrer)
        referred = await add(conn, c, {}, referred_by_id=referrer)
    assert await version(referrer) > before  # the referrer's referrals list grew
    await step(
        "rename referrer",
        update(c).where(c.c.id == referrer).values(name="New"),
        referrer,
        referred,
    )
    await step(
        "notes of referrer",
        update(c).where(c.c.id == referrer).values(notes="x"),
        referrer,
        unchanged=(referred,),
    )
    await step(
        "rename technician",
        update(t.technicians).where(t.technicians.c.id == tech).values(name="T"),
        served,
        unchanged=(referrer,),
    )
    await step("delete referred", delete(c).where(c.c.id == referred), referrer)
    assert (
        await SqlCustomerDataVersions(engine).version(referred) is None
    )  # no customer, no version
    assert await SqlCustomerDataVersions(engine).version(10_000) is None


async def test_a_rolled_back_write_leaves_the_version(engine: AsyncEngine) -> None:
    versions = SqlCustomerDataVersions(engine)
    async with engine.begin() as conn:
        cid = await add(conn, t.customers, {})
    before = await versions.version(cid)
    async with engine.connect() as conn:
        await conn.begin()
        await add(conn, t.payments, {"customers": cid})
        await conn.rollback()
    assert await versions.version(cid) == before


async def test_a_reused_id_does_not_start_over(engine: AsyncEngine) -> None:
    """SQLite may give a deleted customer's id (the highest) to the next one: its version
    goes on from the old counter, never back to a value an old answer is cached under."""
    versions = SqlCustomerDataVersions(engine)
    async with engine.begin() as conn:
        cid = await add(conn, t.customers, {})
    old = await versions.version(cid)
    async with engine.begin() as conn:
        await conn.execute(delete(t.customers).where(t.customers.c.id == cid))
        await add(conn, t.customers, {}, id=cid)
    new = await versions.version(cid)
    assert old is not None and new is not None and new > old


async def test_the_lookup_opens_no_transaction_on_postgresql(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One SELECT, one round trip: no BEGIN before it nor ROLLBACK after it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: asyncpg sends BEGIN/ROLLBACK round trips for a transaction")
    import asyncpg

    versions = SqlCustomerDataVersions(engine)
    async with engine.begin() as conn:
        cid = await add(conn, t.customers, {})
    started: list[object] = []
    transaction = asyncpg.connection.Connection.transaction

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        started.append(self)
        return transaction(self, *args, **kwargs)

    monkeypatch.setattr(asyncpg.connection.Connection, "transaction", counted)
    assert await versions.version(cid) is not None
    assert started == []
    async with engine.connect() as conn:  # the pool's connections keep their transactions
        await conn.execute(t.customers.select().limit(1))
    assert len(started) == 1
