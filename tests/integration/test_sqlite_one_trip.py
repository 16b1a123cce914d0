"""aiosqlite's one-trip connection (sqlite_one_trip.py) behaves as a DBAPI cursor does for
everything SQLAlchemy asks of it: rows, streamed rows, rowcount, executemany, errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.sqlite_one_trip import OneTripConnection


def test_the_one_trip_connection_answers_as_a_cursor_does(tmp_path: Path) -> None:
    asyncio.run(_cursor_behaviour(f"sqlite+aiosqlite:///{tmp_path / 'trip.db'}"))


async def _cursor_behaviour(url: str) -> None:
    engine = build_engine(url)
    try:
        async with engine.begin() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert isinstance(driver, OneTripConnection)
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            many = await conn.execute(
                text("INSERT INTO t (v) VALUES (:v)"), [{"v": f"v{n}"} for n in range(250)]
            )
            assert many.rowcount == 250
            returned = await conn.execute(text("INSERT INTO t (v) VALUES ('last') RETURNING id"))
            assert returned.scalar_one() == 251
            changed = await conn.execute(text("UPDATE t SET v = v || '!' WHERE id <= 10"))
            assert changed.rowcount == 10
            with pytest.raises(exc.IntegrityError):
                await conn.execute(text("INSERT INTO t (v) VALUES ('last')"))
        async with engine.connect() as conn:
            streamed = await conn.stream(text("SELECT id FROM t ORDER BY id"))
            chunks = [len(chunk) async for chunk in streamed.partitions(100)]
            assert chunks == [100, 100, 51]
            assert (await conn.execute(text("SELECT v FROM t WHERE id = 1"))).scalar() == "v0!"
            assert not driver.in_transaction
    finally:
        await engine.dispose()
