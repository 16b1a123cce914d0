"""Migration 0016 rounds stored maintenance-alert confidences to hundredths (what the
domain now keeps), on both databases, and leaves rounded ones as they were; the downgrade
leaves the rows alone and the upgrade runs again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from entrypoints import migrate
from tests.conftest import BACKENDS
from tests.integration.test_migration_keeps_rows import _execute
from tests.integration.test_migrations import fresh_database_url

BEFORE = "0015"
SEED = [
    "INSERT INTO customers (id, name, time_zone, created_at, referral_code)"
    " VALUES (1, 'Ann', 'UTC', {ts}, 'RCONF001')",
    "INSERT INTO appliances (id, customer_id, type, created_at, updated_at)"
    " VALUES (1, 1, 'fridge', {ts}, {ts}), (2, 1, 'oven', {ts}, {ts})",
    "INSERT INTO maintenance_alerts"
    " (appliance_id, customer_id, due_date, confidence, reason, status, created_at, updated_at)"
    " VALUES (1, 1, '2031-01-01', 0.8765432109876543, 'model', 'OPEN', {ts}, {ts}),"
    " (2, 1, '2031-02-01', 0.5, 'interval', 'OPEN', {ts}, {ts})",
]
CONFIDENCES = "SELECT confidence FROM maintenance_alerts ORDER BY appliance_id"


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database_url(request.param, tmp_path, "fieldcrm_migration_confidence_test")


def _confidences(url: str) -> list[float]:
    return [row[0] for row in asyncio.run(_execute(url, CONFIDENCES))[0]]


def test_stored_confidences_are_rounded_to_hundredths(fresh_url: str) -> None:
    migrate.upgrade(fresh_url, BEFORE)
    asyncio.run(_execute(fresh_url, *SEED))
    assert _confidences(fresh_url) == [0.8765432109876543, 0.5]
    migrate.upgrade(fresh_url)
    assert _confidences(fresh_url) == [0.88, 0.5]
    migrate.downgrade(fresh_url, BEFORE)
    assert _confidences(fresh_url) == [0.88, 0.5]
    migrate.upgrade(fresh_url)
    assert _confidences(fresh_url) == [0.88, 0.5]
