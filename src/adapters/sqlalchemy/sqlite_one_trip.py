"""aiosqlite with one trip to its thread per statement.

aiosqlite runs each sqlite3 call on the connection's own thread and hands the result back
to the event loop. SQLAlchemy's adapter makes four such trips for one statement (open a
cursor, execute, fetch the rows, close the cursor), and every trip costs a thread wake-up
and two hand-overs of the GIL — under load, more than SQLite's own work, and spent while
a writer holds the one write lock the other writers queue on (sqlite_writes.py). Here:

- a cursor is opened, executed, drained and closed in a single trip; what SQLAlchemy then
  asks of it (description, rowcount, lastrowid, the rows) is already in hand. Results are
  read whole, as SQLAlchemy's non-streaming cursor does anyway;
- `begin_with_next_statement` sends the transaction's `BEGIN` in the trip of its first
  statement instead of a trip of its own;
- `commit` and `rollback` of a connection with no transaction open (a unit of work that
  ran nothing; the pool's reset on return checks the same, engine.py) make no trip.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from functools import partial
from types import ModuleType
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(
    connection: sqlite3.Connection, begin: str | None, sql: str, parameters: Any, many: bool
) -> _Outcome:
    """On the connection's thread: the pending BEGIN, the whole statement, its rows and
    its counts."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """The cursor SQLAlchemy's adapter drives: `execute` is its only trip to the thread."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def _trip(self, sql: str, parameters: Any, many: bool) -> OneTripCursor:
        connection = self._connection
        begin, connection.pending_begin = connection.pending_begin, None
        outcome: _Outcome = await connection._execute(  # type: ignore[no-untyped-call]
            lambda: _run(connection._conn, begin, sql, parameters, many)
        )
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)
        return self

    async def execute(self, sql: str, parameters: Any = ()) -> OneTripCursor:
        return await self._trip(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Any) -> OneTripCursor:
        return await self._trip(sql, parameters, many=True)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> Sequence[Any]:
        taken = list(self._rows)
        self._rows.clear()
        return taken

    async def close(self) -> None:
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one trip per statement."""

    pending_begin: str | None = None

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    def begin_with_next_statement(self, begin: str) -> None:
        """Open the transaction (`BEGIN`, `BEGIN IMMEDIATE`) just before the next statement,
        in its trip: its lock (if any) is taken then, waiting up to busy_timeout as a
        BEGIN of its own would."""
        self.pending_begin = begin

    async def commit(self) -> None:
        self.pending_begin = None
        if self.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        self.pending_begin = None
        if self.in_transaction:
            await super().rollback()


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """`aiosqlite.connect`, for a OneTripConnection (its thread a daemon, as SQLAlchemy
    makes aiosqlite's)."""
    connection = OneTripConnection(partial(sqlite3.connect, database, **kwargs), 64)
    connection._thread.daemon = True
    return connection


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI, connecting OneTripConnections (the engine's
    `module`)."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        return super().connect(*arg, async_creator_fn=connect, **kw)


def one_trip_dbapi() -> OneTripDbapi:
    module: ModuleType = aiosqlite
    return OneTripDbapi(module, sqlite3)
