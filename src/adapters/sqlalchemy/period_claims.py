"""Period claims in the `scheduler_runs` table: the primary key (job, period) decides."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import scheduler_runs


class SqlPeriodClaims:
    """INSERT ... ON CONFLICT DO NOTHING inside a transaction held open while the caller
    enqueues: a concurrent claimant of the same period waits on the row (PostgreSQL) or
    the write lock (SQLite), then finds it taken — or free again if the holder rolled back.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @asynccontextmanager
    async def claim(
        self, job_name: str, period_key: str, claimed_by: str, claimed_at: datetime
    ) -> AsyncIterator[bool]:
        async with self._engine.connect() as conn:
            tx = await conn.begin()
            try:
                statement = (
                    self._insert(scheduler_runs)
                    .values(
                        job_name=job_name,
                        period_key=period_key,
                        claimed_at=claimed_at,
                        claimed_by=claimed_by[:200],
                    )
                    .on_conflict_do_nothing()
                    .returning(scheduler_runs.c.period_key)
                )
                won = (await conn.execute(statement)).first() is not None
                yield won
            except BaseException:
                await tx.rollback()
                raise
            await tx.commit()

    async def latest(self, job_name: str) -> str | None:
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(func.max(scheduler_runs.c.period_key)).where(
                    scheduler_runs.c.job_name == job_name
                )
            )
            latest = result.scalar_one_or_none()
            return None if latest is None else str(latest)
