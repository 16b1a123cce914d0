"""The UTC column refuses an instant outside the supported years, whatever writes it, so no
stored row can make a read fail (year 1 was stored by asyncpg as -infinity, and the Customer
View then answered 500); instants at the edges round-trip on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.types import EARLIEST_STORED, LATEST_STORED


def _customer(created_at: datetime) -> dict[str, object]:
    return {
        "name": "Edge",
        "phone": "+14155550123",
        "time_zone": "UTC",
        "referral_code": "EDGE0001",
        "created_at": created_at,
    }


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        EARLIEST_STORED - timedelta(microseconds=1),
        LATEST_STORED,
    ],
)
async def test_an_instant_outside_the_range_is_refused_before_the_database(
    engine: AsyncEngine, when: datetime
) -> None:
    with pytest.raises(StatementError, match="outside the supported years"):
        async with engine.begin() as connection:
            await connection.execute(insert(t.customers).values(**_customer(when)))


@pytest.mark.parametrize(
    "when",
    [
        datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(2199, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))),
    ],
)
async def test_the_edges_round_trip(engine: AsyncEngine, when: datetime) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(t.customers).values(**_customer(when)))
        stored = (await connection.execute(select(t.customers.c.created_at))).scalar_one()
    assert stored == when
