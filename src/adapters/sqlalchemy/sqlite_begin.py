"""How a SQLite transaction begins: its `BEGIN` travels with its first statement.

pysqlite opens no transaction before a SELECT, so a unit of work says how it begins:
`BEGIN IMMEDIATE` for one that writes (SQLite's write lock up front, sqlite_writes.py),
plain (deferred) `BEGIN` for one that only reads — in WAL mode a reader takes no lock,
waits for no writer in this or another process, and sees one snapshot until it ends.
On aiosqlite's one-trip connection (sqlite_one_trip.py) the BEGIN is sent in the trip of
the first statement; on any other driver, as a statement of its own.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.sqlite_one_trip import OneTripConnection

IMMEDIATE = "BEGIN IMMEDIATE"
DEFERRED = "BEGIN"


async def begin_sqlite(conn: AsyncConnection, begin: str) -> None:
    """After `conn.begin()` on SQLite: open the transaction with `begin`."""
    sync = conn.sync_connection
    driver = None if sync is None else sync.connection.driver_connection
    if isinstance(driver, OneTripConnection):
        driver.begin_with_next_statement(begin)
    else:
        await conn.exec_driver_sql(begin)
