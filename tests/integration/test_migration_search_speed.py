"""Migration 0012 (search speed) keeps every existing customer findable and ranked, up and
down, on both databases: SQLite's search table is rebuilt and refilled from the rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.pagination import SEARCH, ListQuery
from entrypoints import migrate
from tests.conftest import BACKENDS
from tests.integration.test_migration_keeps_rows import _execute
from tests.integration.test_migrations import fresh_database_url

BEFORE = "0011"
SEED = (
    "INSERT INTO customers (id, name, email, phone, time_zone, created_at, referral_code)"
    " VALUES (1, 'Hannah Berg', NULL, '+15550001234', 'UTC', {ts}, 'R1'),"
    " (2, 'Anna Müller', 'anna@x.io', NULL, 'UTC', {ts}, 'R2'),"
    " (3, 'Ánna', NULL, '+15551234000', 'UTC', {ts}, 'R3')"
)
BY_DOCUMENT = {
    "sqlite": "SELECT rowid FROM customer_search WHERE doc LIKE '%anna%'",
    "postgresql": "SELECT id FROM customers WHERE search_document LIKE '%anna%'",
}


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database_url(request.param, tmp_path, "fieldcrm_migration_search_test")


async def _search(url: str, q: str) -> list[int]:
    engine = build_engine(url)
    try:
        async with SqlUnitOfWork(engine) as uow:
            page = await uow.customers.list(ListQuery(filters={SEARCH: q}))
            return [customer.id for customer in page.items]
    finally:
        await engine.dispose()


def test_customers_stay_found_and_ranked_across_0012(fresh_url: str) -> None:
    migrate.upgrade(fresh_url, BEFORE)
    asyncio.run(_execute(fresh_url, SEED))
    migrate.upgrade(fresh_url)
    assert asyncio.run(_search(fresh_url, "anna")) == [3, 2, 1]  # exact, prefix, inside
    assert asyncio.run(_search(fresh_url, "1234")) == [1, 3]  # ends with, contains
    migrate.downgrade(fresh_url, BEFORE)
    dialect = "postgresql" if fresh_url.startswith("postgresql") else "sqlite"
    rows = asyncio.run(_execute(fresh_url, BY_DOCUMENT[dialect]))[0]
    assert sorted(row[0] for row in rows) == [1, 2, 3]
    migrate.upgrade(fresh_url)
    assert asyncio.run(_search(fresh_url, "anna")) == [3, 2, 1]
