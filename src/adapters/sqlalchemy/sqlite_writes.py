"""Write transactions on SQLite, one at a time, in order.

SQLite has one writer at a time. Left to itself, every connection that wants to write
polls for the lock (the busy handler sleeps and retries), and a transaction that read
before writing fails at once with "database is locked" when another one committed in
between (its snapshot is stale). So in each process, and each event loop in it, write
transactions on one database queue on an asyncio lock (first come, first served: no
polling), and each starts with `BEGIN IMMEDIATE`, taking SQLite's write lock up front so
its reads and writes see one state. Other processes on the same file (a CLI command, a
separate worker, another `serve --workers` process) still meet the lock through SQLite's
`busy_timeout` (engine.py). A unit of work declared read-only (`UnitOfWork.read_only`)
takes neither lock: it reads a WAL snapshot (sqlite_begin.py).

A unit of work opened inside another in the same task (or a task it started) does not
queue behind its own parent, which would never let go: it runs as before, deferred.
PostgreSQL needs none of this: every call here is a no-op there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.sqlite_begin import IMMEDIATE, begin_sqlite

_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = WeakKeyDictionary()
_held: ContextVar[frozenset[str]] = ContextVar("fieldcrm_sqlite_writes_held", default=frozenset())


def _lock_for(database: str) -> asyncio.Lock:
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = per_loop.get(database)
    if lock is None:
        lock = per_loop[database] = asyncio.Lock()
    return lock


class WriteSlot:
    """The right to write to one SQLite database, held by one transaction at a time in
    this event loop: `acquire` before BEGIN, `release` once committed or rolled back."""

    def __init__(self, engine: AsyncEngine) -> None:
        sqlite = engine.dialect.name == "sqlite"
        self._database = str(engine.url.database) if sqlite else None
        self._lock: asyncio.Lock | None = None

    @property
    def held(self) -> bool:
        """True while this slot holds the lock: its transaction must BEGIN IMMEDIATE."""
        return self._lock is not None

    async def acquire(self) -> None:
        database = self._database
        if database is None or database in _held.get() or self._lock is not None:
            return
        lock = _lock_for(database)
        await lock.acquire()
        self._lock = lock
        _held.set(_held.get() | {database})

    def release(self) -> None:
        if self._lock is None or self._database is None:
            return
        self._lock.release()
        self._lock = None
        _held.set(_held.get() - {self._database})


async def begin_writing(slot: WriteSlot, conn: AsyncConnection) -> None:
    """After `conn.begin()`: take SQLite's write lock with the first statement (when `slot`
    is held), before it runs."""
    if slot.held:
        await begin_sqlite(conn, IMMEDIATE)


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()` for a transaction that writes: queued and immediate on SQLite."""
    slot = WriteSlot(engine)
    await slot.acquire()
    try:
        async with engine.begin() as conn:
            await begin_writing(slot, conn)
            yield conn
    finally:
        slot.release()
