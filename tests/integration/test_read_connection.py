"""Read queries run on the unit of work's connection: one connection per use case call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from application.access import SYSTEM, Actor
from application.customer_reads import customer_financials, view_customer
from domain.user import Role
from tests.integration.test_customer_view_statements import seed_customer


@contextmanager
def checkouts(engine: AsyncEngine) -> Iterator[list[object]]:
    seen: list[object] = []

    def record(dbapi_connection, connection_record, proxy):  # type: ignore[no-untyped-def]
        seen.append(connection_record)

    event.listen(engine.sync_engine.pool, "checkout", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine.pool, "checkout", record)


async def test_view_and_financials_each_use_one_connection(container) -> None:  # type: ignore[no-untyped-def]
    engine = container.engine()
    customer_id = await seed_customer(engine, 10)
    with checkouts(engine) as seen:
        view = await view_customer(
            SYSTEM, container.uow(), container.customer_view_query(), customer_id, 100
        )
    assert view.id == customer_id and len(seen) == 1
    with checkouts(engine) as seen:
        found = await customer_financials(
            SYSTEM, container.uow(), container.financials_query(), customer_id
        )
    assert found.customer_id == customer_id and len(seen) == 1


async def test_a_technicians_access_check_and_view_share_one_connection(container) -> None:  # type: ignore[no-untyped-def]
    engine = container.engine()
    customer_id = await seed_customer(engine, 16)
    async with engine.connect() as conn:
        technician_id = (await conn.execute(select(t.technicians.c.id))).scalar_one()
    technician = Actor(user_id=1, role=Role.TECHNICIAN, technician_id=technician_id)
    with checkouts(engine) as seen:
        view = await view_customer(
            technician, container.uow(), container.customer_view_query(), customer_id, 100
        )
    assert view.id == customer_id and view.jobs and len(seen) == 1
