"""Write transactions on SQLite, one at a time, in order.

SQLite has one writer at a time. Left to itself, every connection that wants to write
polls for the lock (the busy handler sleeps 1, 2, 5 ... up to 100 ms between tries), and a
transaction that read before writing fails at once with "database is locked" when another
one committed in between (its snapshot is stale). So write transactions on one database
queue: in each event loop on an asyncio lock (first come, first served: no polling), and
between event loops and processes (`serve --workers N`, a CLI command, a separate worker)
on an exclusive `flock` of the file `<database>-writelock` beside it, which the kernel
hands to the next waiter the moment it is let go. Each transaction then starts with `BEGIN
IMMEDIATE`, taking SQLite's write lock up front so its reads and writes see one state.
SQLite's own lock stays the guarantee: a writer that does not queue here (an older
process, a sqlite3 shell) still meets it through `busy_timeout` (engine.py), and where the
lock file cannot be opened writers fall back to that. A unit of work declared read-only
(`UnitOfWork.read_only`) takes none of these locks: it reads a WAL snapshot (sqlite_begin.py).

A unit of work opened inside another in the same task (or a task it started) does not
queue behind its own parent, which would never let go: it runs as before, deferred.
PostgreSQL needs none of this: every call here is a no-op there.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.sqlite_begin import IMMEDIATE, begin_sqlite

log = logging.getLogger(__name__)
LOCK_FILE_SUFFIX = "-writelock"

_held: ContextVar[frozenset[str]] = ContextVar("fieldcrm_sqlite_writes_held", default=frozenset())


class _WriterQueue:
    """One database's writers in one event loop: `turn` orders this loop's tasks; under it,
    `fd` (the lock file, opened by this loop alone, so the kernel tells loops apart too)
    orders them with every other loop and process. `fd` is None for a database in memory
    and when the file cannot be opened (a read-only directory): SQLite's busy handler is
    left to order the processes."""

    def __init__(self, database: str) -> None:
        self.turn = asyncio.Lock()
        self.fd: int | None = None
        if not _names_a_file(database):
            return
        path = database + LOCK_FILE_SUFFIX
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            log.warning("SQLite writers not queued across processes: %s: %s", path, exc)
            return
        weakref.finalize(self, os.close, self.fd)

    async def take_file(self) -> bool:
        """Wait for the lock file (the caller holds `turn`); True once held, False when
        there is none to take. Cancelled while waiting: the lock is given back, and `turn`
        released, when the waiting thread gets it."""
        fd = self.fd
        if fd is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass  # another loop or process is writing: wait for it in a thread
        except OSError as exc:
            log.warning("SQLite writers lock file unusable (%s); not queued across processes", exc)
            return False
        waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            waiting.add_done_callback(self._give_back)
            raise
        return True

    def _give_back(self, waited: asyncio.Future[None]) -> None:
        self.let_go(file_held=not waited.cancelled() and waited.exception() is None)

    def let_go(self, file_held: bool) -> None:
        if file_held and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.turn.release()


_queues: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _WriterQueue]] = WeakKeyDictionary()


def _names_a_file(database: str) -> bool:
    """False for a database in memory (no other process can open it) and for a `file:`
    URI (left to SQLite's own lock)."""
    return database not in ("", ":memory:") and not database.startswith("file:")


def _file_key(database: str) -> str:
    """One name per database file, however the URL spelled it (relative, absolute, through
    a symlink): two spellings of one file must share one queue, or a unit of work nested in
    another would wait on the lock file its own parent holds. (Worked out when a writer
    queues, against the working directory of that moment, as SQLite opens the file.)"""
    return os.path.realpath(database) if _names_a_file(database) else database


def _queue_for(database: str) -> _WriterQueue:
    per_loop = _queues.setdefault(asyncio.get_running_loop(), {})
    queue = per_loop.get(database)
    if queue is None:
        queue = per_loop[database] = _WriterQueue(database)
    return queue


class WriteSlot:
    """The right to write to one SQLite database, held by one transaction at a time (in
    this event loop, and across loops and processes through the lock file): `acquire`
    before BEGIN, `release` once committed or rolled back."""

    def __init__(self, engine: AsyncEngine) -> None:
        sqlite = engine.dialect.name == "sqlite"
        self._database = str(engine.url.database) if sqlite else None  # as the URL spells it
        self._queue: _WriterQueue | None = None
        self._file_held = False

    @property
    def held(self) -> bool:
        """True while this slot holds the lock: its transaction must BEGIN IMMEDIATE."""
        return self._queue is not None

    async def acquire(self) -> None:
        if self._database is None or self._queue is not None:
            return
        database = self._database = _file_key(self._database)
        if database in _held.get():
            return
        queue = _queue_for(database)
        await queue.turn.acquire()
        try:
            self._file_held = await queue.take_file()
        except asyncio.CancelledError:
            raise  # take_file releases `turn` once its thread is done
        except BaseException:
            queue.turn.release()
            raise
        self._queue = queue
        _held.set(_held.get() | {database})

    def release(self) -> None:
        if self._queue is None or self._database is None:
            return
        self._queue.let_go(self._file_held)
        self._queue, self._file_held = None, False
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
