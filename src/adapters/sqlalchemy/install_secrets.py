"""Install secrets in the `install_secrets` table: insert-if-absent, then read back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import install_secrets as table


class SqlInstallSecrets:
    """`INSERT ... ON CONFLICT DO NOTHING` then `SELECT`: when several processes start at
    once, the primary key lets one row in and every process reads that row."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def get_or_create(self, name: str, candidate: str, at: datetime) -> str:
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert(table)
                .values(name=name, value=candidate, created_at=at)
                .on_conflict_do_nothing(index_elements=[table.c.name])
            )
        async with self._engine.connect() as conn:
            stored = await conn.execute(select(table.c.value).where(table.c.name == name))
            return str(stored.scalar_one())
