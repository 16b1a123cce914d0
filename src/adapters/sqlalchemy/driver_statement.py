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
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Select

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
        async with self._engine.connect() as conn:
            fairy = await conn.get_raw_connection()
            driver: Any = fairy.driver_connection
            dispatch = self._engine.sync_engine.dispatch
            listened = bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)
            if listened:
                dispatch.before_cursor_execute(
                    conn.sync_connection, None, self.text, values, None, False
                )
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
                if lost:
                    await conn.invalidate()
                raise exc.DBAPIError(self.text, None, error, connection_invalidated=lost) from error
            finally:
                if listened:
                    dispatch.after_cursor_execute(
                        conn.sync_connection, None, self.text, values, None, False
                    )
