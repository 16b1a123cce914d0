"""The statements an engine sends while a block runs, as its cursor listeners see them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def statements_sent(engine: AsyncEngine) -> Iterator[list[str]]:
    """Each statement's text, in order, through a `before_cursor_execute` listener; every
    statement must come with the connection it runs on (SQL tracing reads its dialect)."""
    sent: list[str] = []

    def note(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        assert conn is not None and conn.dialect.name == engine.dialect.name
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
