"""SQLite writers in several processes (`serve --workers N`, a CLI command, a separate
worker) queue on one lock file beside the database (`<database>-writelock`,
sqlite_writes.py) instead of polling SQLite's lock: a write waits while another process
holds the file and goes through once it is let go; a writer cancelled while waiting keeps
neither lock; writers in two processes at once all commit; where the file cannot be made,
writes still go through (SQLite's own lock orders them)."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.sqlite_writes import LOCK_FILE_SUFFIX
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from entrypoints import migrate

# Holds the lock file until told, then says whether it can take it again at once.
_HOLDER = textwrap.dedent(
    """
    import fcntl, os, sys
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("holding", flush=True)
    sys.stdin.readline()
    fcntl.flock(fd, fcntl.LOCK_UN)
    print("released", flush=True)
    sys.stdin.readline()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("free", flush=True)
    except BlockingIOError:
        print("taken", flush=True)
    """
)

# Writes `count` customers through the app's own units of work, in another process.
_WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from sqlalchemy import insert
    from adapters.sqlalchemy import tables as t
    from adapters.sqlalchemy.engine import build_engine
    from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork

    async def main(url, count):
        engine = build_engine(url)
        async def one(n):
            async with SqlUnitOfWork(engine) as uow:
                await uow.connection.execute(insert(t.customers).values(
                    name=f"other {n}", time_zone="UTC", created_at=datetime.now(UTC),
                    referral_code=f"OTHER{n:03d}"))
                await uow.commit()
        await asyncio.gather(*(one(n) for n in range(count)))
        await engine.dispose()

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    print("done", flush=True)
    """
)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
async def engine(database: Path) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(f"sqlite+aiosqlite:///{database}")
    yield engine
    await engine.dispose()


@pytest.fixture
def holder(database: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock file (it says "holding" once it does)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, f"{database}{LOCK_FILE_SUFFIX}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=10)


def _say(process: subprocess.Popen[str], expected: str) -> None:
    """Tell `process` to go on; it answers `expected`."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("\n")
    process.stdin.flush()
    assert process.stdout.readline() == expected + "\n"


_codes = iter(range(10**6))


async def _write(engine: AsyncEngine, name: str) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.connection.execute(
            insert(t.customers).values(
                name=name,
                time_zone="UTC",
                created_at=datetime.now(UTC),
                referral_code=f"HERE{next(_codes):04d}",
            )
        )
        await uow.commit()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(t.customers)) or 0)


async def test_a_write_waits_for_the_process_holding_the_lock_file(
    engine: AsyncEngine, holder: subprocess.Popen[str]
) -> None:
    """The other process holds no SQLite lock, only the file: a write here waits for it
    (SQLite alone would have let it through), then goes through once it is let go."""
    writer = asyncio.create_task(_write(engine, "queued"))
    await asyncio.sleep(0.3)
    assert not writer.done()
    assert await asyncio.wait_for(_count(engine), timeout=1) == 0  # reads do not wait
    await asyncio.to_thread(_say, holder, "released")
    await asyncio.wait_for(writer, timeout=5)
    assert await _count(engine) == 1
    await asyncio.to_thread(_say, holder, "free")  # the write let go of the file after it


async def test_a_writer_cancelled_while_waiting_keeps_no_lock(
    engine: AsyncEngine, holder: subprocess.Popen[str]
) -> None:
    waiting = asyncio.create_task(_write(engine, "given up"))
    await asyncio.sleep(0.2)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.to_thread(_say, holder, "released")
    await asyncio.wait_for(_write(engine, "next"), timeout=5)  # this loop's queue moves on
    assert await _count(engine) == 1
    await asyncio.sleep(0.1)  # the cancelled waiter's thread gives the file back
    await asyncio.to_thread(_say, holder, "free")


async def test_writers_in_two_processes_all_commit(engine: AsyncEngine, database: Path) -> None:
    url = f"sqlite+aiosqlite:///{database}"
    other = asyncio.create_task(
        asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", _WRITER, url, "40"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    )
    await asyncio.gather(*(_write(engine, f"here {n}") for n in range(40)))
    done = await other
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr[-2000:]
    assert await _count(engine) == 80


async def test_without_a_lock_file_writes_still_go_through(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A lock file that cannot be opened (here a directory in its place): a warning, and
    the writers are ordered by SQLite's own lock."""
    Path(f"{database}{LOCK_FILE_SUFFIX}").mkdir()
    engine = build_engine(f"sqlite+aiosqlite:///{database}")
    try:
        with caplog.at_level(logging.WARNING, logger="adapters.sqlalchemy.sqlite_writes"):
            await asyncio.gather(*(_write(engine, f"w{n}") for n in range(8)))
        assert await _count(engine) == 8
    finally:
        await engine.dispose()
    assert any("not queued across processes" in r.getMessage() for r in caplog.records)


async def test_two_spellings_of_one_file_share_one_queue(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative and an absolute URL of one file: a unit of work opened inside another
    (same task) through the other spelling does not wait for its own parent's lock."""
    monkeypatch.chdir(database.parent)
    relative = build_engine(f"sqlite+aiosqlite:///{database.name}")
    absolute = build_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with SqlUnitOfWork(absolute) as outer:
            await outer.connection.execute(select(1))

            async def inner() -> None:
                async with SqlUnitOfWork(relative) as nested:
                    await nested.connection.execute(select(func.count()).select_from(t.customers))

            await asyncio.wait_for(inner(), timeout=5)
            await outer.commit()
    finally:
        await relative.dispose()
        await absolute.dispose()
