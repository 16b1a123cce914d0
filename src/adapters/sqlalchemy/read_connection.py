"""The connection a read query runs on: the open unit of work's, else one of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.ports.unit_of_work import UnitOfWork


@asynccontextmanager
async def read_connection(
    engine: AsyncEngine, uow: UnitOfWork | None
) -> AsyncIterator[AsyncConnection]:
    """`uow`'s connection when it is an open SQL unit of work (the read sees what it sees);
    otherwise a connection checked out for this one read."""
    sql_uow = _sql_unit_of_work(uow)
    if sql_uow is not None:
        yield sql_uow.connection
        return
    async with engine.connect() as conn:
        yield conn


def _sql_unit_of_work(uow: object) -> SqlUnitOfWork | None:
    """The SQL unit of work `uow` is, or wraps (a wrapper such as the outbox's SendAtOnce
    names the unit of work it wraps `wrapped`)."""
    while uow is not None and not isinstance(uow, SqlUnitOfWork):
        uow = getattr(uow, "wrapped", None)
    return uow
