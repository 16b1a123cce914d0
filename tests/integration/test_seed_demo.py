"""`seed-demo` writes a consistent, deterministic demo shop into a fresh SQLite database."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.errors import Conflict
from entrypoints import migrate
from entrypoints.cli import main
from entrypoints.demo import DemoPlan, seed
from entrypoints.settings import Settings
from tests.overrides import container_for_tests

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
PLAN = DemoPlan(seed=7, customers=20, technicians=3, jobs=60, as_of=AS_OF)
TABLES = ("technicians", "customers", "jobs", "payments", "expenses")


async def _fresh_database(directory: Path, name: str) -> tuple[str, Path]:
    path = directory / f"{name}.db"
    url = f"sqlite:///{path}"
    # Alembic's env.py calls asyncio.run itself: keep it off this test's running loop.
    await asyncio.to_thread(migrate.upgrade, url)
    return url, path


async def _seed(url: str, plan: DemoPlan = PLAN, *, force: bool = False) -> str:
    return await seed(container_for_tests(Settings(database_url=url)), plan, force=force)


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    return _rows(path, f"SELECT count(*) FROM {table}")[0][0]  # type: ignore[return-value]


# Referral codes come from the OS's random source on purpose (they must be unguessable),
# so they are the one column a seed does not determine.
RANDOM_COLUMNS = {"customers": {"referral_code"}}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    dump = {}
    for table in TABLES:
        columns = [
            row[1]
            for row in _rows(path, f"PRAGMA table_info({table})")
            if row[1] not in RANDOM_COLUMNS.get(table, set())
        ]
        dump[table] = _rows(path, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
    return dump


async def test_seed_creates_what_the_plan_asks_for(tmp_path: Path) -> None:
    url, path = await _fresh_database(tmp_path, "demo")

    summary = await _seed(url)

    assert _count(path, "customers") == PLAN.customers
    assert _count(path, "technicians") == PLAN.technicians
    assert _count(path, "jobs") == PLAN.jobs
    assert _count(path, "payments") > 0
    assert _count(path, "expenses") > 0
    assert "\n" not in summary
    assert f"{PLAN.customers} customers" in summary and f"{PLAN.jobs} jobs" in summary
    assert _rows(path, "SELECT count(*) FROM technicians WHERE NOT active")[0][0] >= 1


async def test_the_same_seed_gives_the_same_shop(tmp_path: Path) -> None:
    url_a, path_a = await _fresh_database(tmp_path, "a")
    url_b, path_b = await _fresh_database(tmp_path, "b")
    url_c, path_c = await _fresh_database(tmp_path, "c")

    await _seed(url_a)
    await _seed(url_b)
    await _seed(url_c, DemoPlan(seed=8, customers=20, technicians=3, jobs=60, as_of=AS_OF))

    assert _dump(path_a) == _dump(path_b)
    assert _dump(path_a)["customers"] != _dump(path_c)["customers"]


async def test_the_demo_shop_keeps_the_invariants(tmp_path: Path) -> None:
    url, path = await _fresh_database(tmp_path, "demo")
    await _seed(url)
    as_of = AS_OF.replace(tzinfo=None).isoformat(" ")

    # Every completed job has its completion date and was paid for.
    assert (
        _rows(
            path,
            "SELECT id FROM jobs WHERE status = 'COMPLETED' AND (completion_date IS NULL "
            "OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.job_id = jobs.id))",
        )
        == []
    )
    completed = _rows(path, "SELECT count(*) FROM jobs WHERE status = 'COMPLETED'")[0][0]
    assert completed > PLAN.jobs // 2  # type: ignore[operator]
    # No payment or expense belongs to a job of another customer.
    assert (
        _rows(
            path,
            "SELECT p.id FROM payments p JOIN jobs j ON j.id = p.job_id "
            "WHERE p.customer_id != j.customer_id",
        )
        == []
    )
    assert (
        _rows(
            path,
            "SELECT e.id FROM expenses e JOIN jobs j ON j.id = e.job_id "
            "WHERE e.customer_id IS NOT NULL AND e.customer_id != j.customer_id",
        )
        == []
    )
    # Past jobs are closed (or at most waiting on a part); future ones are scheduled.
    statuses = dict(
        _rows(
            path,
            "SELECT scheduled_for > ? AS future, group_concat(DISTINCT status) FROM jobs "
            "GROUP BY future",
            as_of,
        )
    )
    assert statuses[1] == "SCHEDULED"
    assert "SCHEDULED" not in str(statuses[0]).split(",")
    assert "CANCELLED" in str(statuses[0])
    # Lifecycle stamps follow the status; everything was recorded before the simulated now.
    assert (
        _rows(
            path,
            "SELECT id FROM jobs WHERE (status = 'COMPLETED') != (completion_date IS NOT NULL) "
            "OR (status = 'CANCELLED') != (cancelled_at IS NOT NULL) "
            "OR (started_at IS NOT NULL AND started_at >= coalesce(completion_date, '9999-12-31')) "
            "OR created_at >= scheduled_for",
        )
        == []
    )
    for table in TABLES:
        assert _rows(path, f"SELECT max(created_at) < ? FROM {table}", as_of) == [(1,)]
    # A job is never created before its customer.
    assert (
        _rows(
            path,
            "SELECT j.id FROM jobs j JOIN customers c ON c.id = j.customer_id "
            "WHERE c.created_at > j.created_at",
        )
        == []
    )
    # Amounts are positive USD; expenses come in all three kinds.
    currencies = "SELECT currency FROM payments UNION SELECT currency FROM expenses"
    assert _rows(path, currencies) == [("USD",)]
    assert _rows(
        path,
        "SELECT count(*) FROM payments WHERE amount_minor <= 0 "
        "UNION ALL SELECT count(*) FROM expenses WHERE amount_minor <= 0",
    ) == [(0,), (0,)]
    kinds = _rows(
        path,
        "SELECT DISTINCT job_id IS NOT NULL, customer_id IS NOT NULL FROM expenses ORDER BY 1, 2",
    )
    assert kinds == [(0, 0), (0, 1), (1, 1)]


async def test_a_database_with_data_is_refused_unless_forced(tmp_path: Path) -> None:
    url, path = await _fresh_database(tmp_path, "demo")
    small = DemoPlan(seed=1, customers=5, technicians=2, jobs=10, as_of=AS_OF)
    await _seed(url, small)
    before = _dump(path)

    with pytest.raises(Conflict, match="--force"):
        await _seed(url, small)
    assert _dump(path) == before

    await _seed(url, small, force=True)
    assert _count(path, "customers") == 2 * small.customers
    assert _count(path, "jobs") == 2 * small.jobs
    assert _dump(path)["customers"][: small.customers] == before["customers"]


def test_the_cli_command_seeds_and_then_refuses(tmp_path: Path) -> None:
    url, path = asyncio.run(_fresh_database(tmp_path, "cli"))
    runner = CliRunner()
    args = ["seed-demo", "--seed", "3", "--customers", "4", "--technicians", "2", "--jobs", "8"]

    first = runner.invoke(main, args, env={"DATABASE_URL": url})
    second = runner.invoke(main, args, env={"DATABASE_URL": url})

    assert first.exit_code == 0, first.output
    assert "seeded demo shop (seed 3" in first.stdout
    assert _count(path, "jobs") == 8
    assert second.exit_code == 1
    assert "--force" in second.output
    assert _count(path, "jobs") == 8
