"""Concurrent writers (units of work) on SQLite and PostgreSQL: none fails with "database
is locked", none is lost, a transaction that reads before it writes sees one state, and a
unit of work opened inside another does not wait for it forever."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from entrypoints.container import Container

WRITERS = 16
_codes = itertools.count()


def _customer(name: str) -> dict[str, object]:
    return {
        "name": name,
        "time_zone": "UTC",
        "created_at": datetime.now(UTC),
        "referral_code": f"R{next(_codes):07d}",
    }


async def _count(container: Container) -> int:
    async with container.engine().connect() as conn:
        return int((await conn.scalar(select(func.count()).select_from(t.customers))) or 0)


async def test_read_then_write_transactions_all_commit(container: Container) -> None:
    """Each reads the count, yields to the others, then writes: on SQLite a deferred
    transaction would fail at once here (its snapshot went stale); queued and immediate,
    every one commits, and each saw the rows committed before it."""
    engine = container.engine()
    seen: list[int] = []

    async def writer(n: int) -> None:
        async with SqlUnitOfWork(engine) as uow:
            before = await uow.connection.scalar(select(func.count()).select_from(t.customers))
            await asyncio.sleep(0.001)
            await uow.connection.execute(insert(t.customers).values(_customer(f"w{n}")))
            await uow.commit()
            seen.append(int(before or 0))

    await asyncio.gather(*(writer(n) for n in range(WRITERS * 2)))
    assert await _count(container) == WRITERS * 2
    if engine.dialect.name == "sqlite":  # one at a time: each saw all the earlier ones
        assert sorted(seen) == list(range(WRITERS * 2))


async def test_a_rolled_back_writer_lets_the_next_one_write(container: Container) -> None:
    engine = container.engine()

    async def failing() -> None:
        async with SqlUnitOfWork(engine) as uow:
            await uow.connection.execute(insert(t.customers).values(_customer("gone")))
            raise RuntimeError("boom")

    async def writing(n: int) -> None:
        async with SqlUnitOfWork(engine) as uow:
            await uow.connection.execute(insert(t.customers).values(_customer(f"kept{n}")))
            await uow.commit()

    results = await asyncio.gather(
        *(failing() if n % 2 else writing(n) for n in range(8)), return_exceptions=True
    )
    assert sum(isinstance(r, RuntimeError) for r in results) == 4
    assert await _count(container) == 4


async def test_a_unit_of_work_inside_another_does_not_deadlock(container: Container) -> None:
    engine = container.engine()

    async def nested() -> int:
        async with SqlUnitOfWork(engine) as outer:
            await outer.connection.execute(select(1))
            async with SqlUnitOfWork(engine) as inner:  # reads only: no wait on the outer
                return int(
                    await inner.connection.scalar(select(func.count()).select_from(t.customers))
                    or 0
                )

    assert await asyncio.wait_for(nested(), timeout=10) == 0
