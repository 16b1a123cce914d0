"""A read statement compiled once to its driver's text and run on a pooled connection's
driver directly: no SQLAlchemy compilation, parameter processing or result wrapping per
execution, and no transaction (a single statement reads one snapshot on both databases).

For the hottest read (the Customer View document). Every value in the statement but the
named parameters is written into the text as a literal, so PostgreSQL can keep one generic
plan for the prepared statement (asyncpg prepares the text once per connection) without
evaluating parameter lists row by row; SQLite's module caches the statement the same way.
A driver error is raised as SQLAlchemy's `DBAPIError`, `connection_invalidated` when the
connection is gone (the pool then drops it), as a statement run through SQLAlchemy would be.
The engine's `before_cursor_execute` / `after_cursor_execute` listeners (SQL tracing, the
statement-count tests) see the statement as they see any other, with no cursor or context.
With no listener attached, checkout, execution and checkin are one hop into SQLAlchemy's
greenlet on the pool itself, without a `Connection` object (three hops and a Connection
were ~12% of a small Customer View's CPU); with listeners, an `AsyncConnection` is opened
so they get one. Pool events (checkout, reset) fire on both paths.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Select
from sqlalchemy.util import await_only, greenlet_spawn

# Stand-ins for the named parameters while compiling: literals no statement contains.
_STAND_IN = 918_273_645_500


class DriverStatement:
    """`statement` with the integer parameters named in `parameters` left open."""

    def __init__(self, engine: AsyncEngine, statement: Select[Any], parameters: Sequence[str]):
        stand_ins = {name: _STAND_IN + n for n, name in enumerate(parameters, start=1)}
        compiled = statement.params(stand_ins).compile(
            dialect=engine.dialect, compile_kwargs={"literal_binds": True}
        )
        text = compiled.string
        self._postgres = engine.dialect.name == "postgresql"
        for n, (name, stand_in) in enumerate(stand_ins.items(), start=1):
            placeholder = f"CAST(${n} AS INTEGER)" if self._postgres else f":{name}"
            text, found = re.subn(rf"(?<![\w.]){stand_in}(?![\w.])", placeholder, text)
            if not found:
                raise ValueError(f"the statement has no parameter named {name}")
        self.text = text
        self._names = tuple(parameters)
        self._engine = engine
        # Rows by the statement's own column labels (`row.view`), as SQLAlchemy's rows.
        self._row = namedtuple("DriverRow", statement.selected_columns.keys())  # type: ignore[misc]

    async def first_row(self, **values: int) -> Any:
        """The first row of the result (a named tuple of the statement's columns), or None
        when there is none."""
        dispatch = self._engine.sync_engine.dispatch
        if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
            return await self._observed_first_row(values)
        # Nobody listens: check a connection out of the pool, run, check it in, all in one
        # hop into SQLAlchemy's greenlet (no Connection object, no transaction).
        return await greenlet_spawn(self._pooled_first_row, values)

    def _pooled_first_row(self, values: dict[str, int]) -> Any:
        engine = self._engine.sync_engine
        try:
            pooled = engine.raw_connection()
        except engine.dialect.loaded_dbapi.Error as error:
            # As `Engine.connect()` does: raised as SQLAlchemy's DBAPIError (503 upstream).
            Connection._handle_dbapi_exception_noconnection(error, engine.dialect, engine)
            raise
        try:
            return await_only(self._run(pooled.driver_connection, values))
        except exc.DBAPIError as error:
            if error.connection_invalidated:
                pooled.invalidate(error)  # the pool drops it instead of handing it out again
            raise
        finally:
            pooled.close()

    async def _observed_first_row(self, values: dict[str, int]) -> Any:
        """As `first_row`, through an `AsyncConnection` so the engine's cursor listeners
        (SQL tracing, statement-count tests) see the statement on a connection."""
        async with self._engine.connect() as conn:
            fairy = await conn.get_raw_connection()
            dispatch = self._engine.sync_engine.dispatch
            dispatch.before_cursor_execute(
                conn.sync_connection, None, self.text, values, None, False
            )
            try:
                return await self._run(fairy.driver_connection, values)
            except exc.DBAPIError as error:
                if error.connection_invalidated:
                    await conn.invalidate()
                raise
            finally:
                dispatch.after_cursor_execute(
                    conn.sync_connection, None, self.text, values, None, False
                )

    async def _run(self, driver: Any, values: dict[str, int]) -> Any:
        """The statement on `driver`; a driver error raised as `DBAPIError`, marked
        `connection_invalidated` when the connection is gone."""
        try:
            if self._postgres:
                arguments = [int(values[name]) for name in self._names]
                record = await driver.fetchrow(self.text, *arguments)
                return None if record is None else self._row(*record)
            named = {name: int(values[name]) for name in self._names}
            rows = list(await driver.execute_fetchall(self.text, named))  # one thread hop
            return self._row(*rows[0]) if rows else None
        except Exception as error:
            is_closed = getattr(driver, "is_closed", None)
            lost = is_closed is not None and is_closed()
            raise exc.DBAPIError(self.text, None, error, connection_invalidated=lost) from error
