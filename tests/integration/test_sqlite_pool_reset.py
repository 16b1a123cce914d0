"""SQLite connections go back to the pool without a transaction: one left open (a bug, a
cancelled request) is rolled back on return; a connection that began nothing is returned
as it is (the pool's default rollback was a thread round trip per request)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from adapters.sqlalchemy.engine import build_engine
from entrypoints import migrate


def _fresh(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}"
    migrate.upgrade(url)
    return url


def test_an_open_transaction_is_rolled_back_when_the_connection_returns(tmp_path: Path) -> None:
    asyncio.run(_open_transaction_rolled_back(_fresh(tmp_path)))


async def _open_transaction_rolled_back(url: str) -> None:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            await driver.execute("BEGIN")
            await driver.execute(
                "INSERT INTO technicians (name, skills, active, created_at) "
                "VALUES ('Left open', '[]', 1, '2026-01-01 00:00:00.000000')"
            )
            assert driver.in_transaction
        # Every pooled connection: none is in a transaction, none sees the row.
        for _ in range(3):
            async with engine.connect() as conn:
                driver = (await conn.get_raw_connection()).driver_connection
                assert not driver.in_transaction
                count = await conn.scalar(text("SELECT count(*) FROM technicians"))
                assert count == 0
                await conn.rollback()
    finally:
        await engine.dispose()


def test_a_connection_that_began_nothing_is_not_rolled_back(tmp_path: Path) -> None:
    asyncio.run(_began_nothing(_fresh(tmp_path)))


async def _began_nothing(url: str) -> None:
    engine = build_engine(url)
    rollbacks = 0
    try:
        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            original = driver.rollback

            async def counting() -> None:
                nonlocal rollbacks
                rollbacks += 1
                await original()

            driver.rollback = counting
        async with engine.connect() as conn:
            await (await conn.get_raw_connection()).driver_connection.execute_fetchall(
                "SELECT 1", []
            )
        assert rollbacks == 0
    finally:
        await engine.dispose()
