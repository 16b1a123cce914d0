"""The enhance_customer_view migration keeps existing rows, up and down, on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from adapters.sqlalchemy.engine import build_engine
from application.customer_reads import load_customer_view
from domain.referral import ALPHABET, CODE_LENGTH
from entrypoints import migrate
from entrypoints.settings import Settings
from tests.conftest import BACKENDS, TEST_JWT_SECRET
from tests.integration.test_migrations import _diff, _recreate_postgres_database
from tests.overrides import container_for_tests

BEFORE = "0001"
# Rows of the walking skeleton, written with plain SQL as a 0001 database holds them.
SEED = [
    "INSERT INTO customers (id, name, phone, time_zone, created_at) VALUES "
    "(1, 'Ann', '+14155550123', 'UTC', {ts}), (2, 'Bob', NULL, 'Europe/Paris', {ts}), "
    "(3, 'Cy', NULL, 'UTC', {ts})",
    "INSERT INTO technicians (id, name, skills, active, created_at) "
    "VALUES (1, 'Grace', '[\"fridges\"]', {true}, {ts})",
    "INSERT INTO jobs (id, customer_id, technician_id, description, scheduled_for, status, "
    "created_at) VALUES (1, 1, 1, 'Fridge not cooling', {ts}, 'SCHEDULED', {ts})",
    "INSERT INTO payments (id, customer_id, job_id, amount_minor, currency, payment_method, "
    "paid_at, created_at) VALUES (1, 1, 1, 12550, 'USD', 'CARD', {ts}, {ts})",
]
KEPT = {
    "customers": "SELECT id, name, phone, time_zone FROM customers ORDER BY id",
    "technicians": "SELECT id, name, active FROM technicians ORDER BY id",
    "jobs": "SELECT id, customer_id, technician_id, description, status FROM jobs ORDER BY id",
    "payments": "SELECT id, customer_id, job_id, amount_minor, currency, payment_method "
    "FROM payments ORDER BY id",
}


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A brand-new, empty database (its own name, so it never meets test_migrations')."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'rows.db'}"
    else:
        yield asyncio.run(_recreate_postgres_database("fieldcrm_migration_rows_test"))


async def _execute(url: str, *statements: str) -> list[list[tuple[Any, ...]]]:
    engine = build_engine(url)
    postgres = engine.dialect.name == "postgresql"
    ts = "TIMESTAMPTZ '2030-01-02 09:30:00+00'" if postgres else "'2030-01-02 09:30:00.000000'"
    results = []
    try:
        async with engine.begin() as conn:
            for statement in statements:
                sql = statement.format(ts=ts, true="TRUE" if postgres else "1")
                result = await conn.execute(text(sql))
                results.append([tuple(row) for row in result] if result.returns_rows else [])
    finally:
        await engine.dispose()
    return results


def kept_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    return dict(zip(KEPT, asyncio.run(_execute(url, *KEPT.values())), strict=True))


def new_customer_columns(url: str) -> list[tuple[Any, ...]]:
    sql = "SELECT referral_code, language_preference, referred_by_id FROM customers ORDER BY id"
    return asyncio.run(_execute(url, sql))[0]


async def _view_payments(url: str, customer_id: int) -> list[tuple[str, str]]:
    container = container_for_tests(Settings(database_url=url, jwt_secret=TEST_JWT_SECRET))
    try:
        view = await load_customer_view(container.customer_view_query(), customer_id, 100)
    finally:
        await container.engine().dispose()
    return [(p.amount, p.payment_method) for p in view.payments]


def assert_upgraded(url: str) -> None:
    rows = new_customer_columns(url)
    codes = [code for code, _, _ in rows]
    assert len(set(codes)) == len(rows) == 3
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert [(language, referrer) for _, language, referrer in rows] == [("en", None)] * 3
    assert asyncio.run(_view_payments(url, 1)) == [("125.50", "CARD")]


def test_upgrade_and_downgrade_keep_existing_rows(fresh_url):
    migrate.upgrade(fresh_url, BEFORE)
    asyncio.run(_execute(fresh_url, *SEED))
    before = kept_rows(fresh_url)
    assert [len(rows) for rows in before.values()] == [3, 1, 1, 1]

    migrate.upgrade(fresh_url)
    assert kept_rows(fresh_url) == before
    assert_upgraded(fresh_url)

    migrate.downgrade(fresh_url, BEFORE)
    assert kept_rows(fresh_url) == before

    migrate.upgrade(fresh_url)
    assert kept_rows(fresh_url) == before
    assert_upgraded(fresh_url)
    assert asyncio.run(_diff(fresh_url)) == []
