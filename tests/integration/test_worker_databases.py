"""The per-worker test databases and the reset between tests that every DB-backed test
relies on: each worker on databases of its own, every table empty and ids back to 1."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.sqlalchemy.tables import metadata
from application.access import SYSTEM
from application.customers import create_customer
from entrypoints.container import Container
from tests.conftest import truncate_all
from tests.unit.builders import customer_details
from tests.worker_databases import worker_postgres_url, worker_redis_url


def test_each_worker_gets_its_own_postgresql_database() -> None:
    base = "postgresql://postgres@127.0.0.1:5432/test"
    assert worker_postgres_url(base, "gw0") == "postgresql://postgres@127.0.0.1:5432/test_gw0"
    assert worker_postgres_url(base, "gw1") == "postgresql://postgres@127.0.0.1:5432/test_gw1"
    assert worker_postgres_url("postgresql://u:p@h/db?sslmode=disable", "gw3") == (
        "postgresql://u:p@h/db_gw3?sslmode=disable"
    )
    assert worker_postgres_url(base, "") == base  # no xdist: the database as named
    assert worker_postgres_url("", "gw1") == ""  # no PostgreSQL configured stays so


def test_each_worker_gets_its_own_redis_database_number() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379/3", "gw0") == "redis://127.0.0.1:6379/3"
    assert worker_redis_url("redis://127.0.0.1:6379/3", "gw1") == "redis://127.0.0.1:6379/4"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://127.0.0.1:6379", "gw2") == "redis://127.0.0.1:6379/2"
    assert worker_redis_url("redis://:pw@h:6379/3?socket_timeout=2", "gw1") == (
        "redis://:pw@h:6379/4?socket_timeout=2"
    )
    assert worker_redis_url("redis://127.0.0.1:6379/3", "") == "redis://127.0.0.1:6379/3"


async def _add_customers(container: Container, count: int) -> list[int]:
    ids = []
    for n in range(count):
        details = customer_details(email=f"c{n}@example.com", phone=f"+1415555{n:04d}")
        customer = await create_customer(SYSTEM, container.uow(), container.clock(), details)
        ids.append(customer.id)
    return ids


async def test_a_reset_empties_every_table_and_restarts_ids(container: Container) -> None:
    first = await _add_customers(container, 3)
    await truncate_all(container.engine())
    async with container.engine().connect() as conn:
        for table in metadata.sorted_tables:
            count = await conn.scalar(select(func.count()).select_from(table))
            assert count == 0, table.name
    assert await _add_customers(container, 2) == first[:2] == [1, 2]
