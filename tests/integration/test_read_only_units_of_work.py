"""Read-only units of work (`UnitOfWork.read_only`): they never wait for a writer — in this
process (the queue of write transactions) or in another one (SQLite's write lock) — and
they cannot commit. On SQLite a read-only unit of work reads one snapshot."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from entrypoints.container import Container


def _customer(name: str) -> dict[str, object]:
    return {
        "name": name,
        "time_zone": "UTC",
        "created_at": datetime.now(UTC),
        "referral_code": f"RO{name:>6}",
    }


async def _read_count(engine: AsyncEngine) -> int:
    async with SqlUnitOfWork(engine).read_only() as uow:
        return int(await uow.connection.scalar(select(func.count()).select_from(t.customers)) or 0)


async def test_a_read_does_not_wait_for_an_open_write(container: Container) -> None:
    """A write transaction is open (and holds SQLite's write lock): a read-only unit of work
    in another task answers at once, without the uncommitted row."""
    engine = container.engine()
    writing, read_done = asyncio.Event(), asyncio.Event()

    async def reader() -> int:
        await writing.wait()
        try:
            return await asyncio.wait_for(_read_count(engine), timeout=3)
        finally:
            read_done.set()

    read = asyncio.create_task(reader())
    async with SqlUnitOfWork(engine) as uow:
        await uow.connection.execute(insert(t.customers).values(_customer("open")))
        writing.set()
        await read_done.wait()  # the writer stays open until the read is over
        await uow.commit()
    assert await read == 0
    assert await _read_count(engine) == 1


async def test_a_read_only_unit_of_work_cannot_commit(container: Container) -> None:
    async with SqlUnitOfWork(container.engine()).read_only() as uow:
        with pytest.raises(RuntimeError, match="read-only"):
            await uow.commit()


async def test_on_sqlite_a_read_sees_one_snapshot(container: Container) -> None:
    """What a read-only unit of work reads first, it reads to the end: a write committed
    in between is not half-seen (PostgreSQL reads committed rows per statement instead)."""
    engine = container.engine()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's WAL snapshot")
    count = select(func.count()).select_from(t.customers)
    async with SqlUnitOfWork(engine).read_only() as reading:
        before = await reading.connection.scalar(count)
        async with SqlUnitOfWork(engine) as writing:
            await writing.connection.execute(insert(t.customers).values(_customer("mid")))
            await writing.commit()
        assert await reading.connection.scalar(count) == before == 0
    assert await _read_count(engine) == 1


_OTHER_PROCESS_WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    from adapters.sqlalchemy.engine import register_fold
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    register_fold(db)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO customers (name, time_zone, created_at, referral_code)"
        " VALUES ('other', 'UTC', '2030-01-01 00:00:00.000000', 'ROOTHER1')"
    )
    print("holding", flush=True)
    sys.stdin.readline()
    db.execute("COMMIT")
    print("committed", flush=True)
    """
)


async def test_on_sqlite_another_process_writing_blocks_writers_not_readers(
    container: Container,
) -> None:
    """Two processes on one file (`serve --workers 2`, a CLI command): while the other one
    holds SQLite's write lock, a read here answers at once (WAL), a write here waits for
    it (busy_timeout) and then goes through."""
    engine = container.engine()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock")
    other = subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS_WRITER, str(engine.url.database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdin is not None and other.stdout is not None
    try:
        assert await asyncio.to_thread(other.stdout.readline) == "holding\n"
        assert await asyncio.wait_for(_read_count(engine), timeout=1) == 0

        async def write() -> None:
            async with SqlUnitOfWork(engine) as uow:
                await uow.connection.execute(insert(t.customers).values(_customer("here")))
                await uow.commit()

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writer.done()  # waiting for the other process's lock
        other.stdin.write("\n")
        other.stdin.flush()
        await asyncio.wait_for(writer, timeout=5)
        assert await asyncio.to_thread(other.stdout.readline) == "committed\n"
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    assert await _read_count(engine) == 2
