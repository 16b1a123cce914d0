"""Refresh tokens in the `refresh_tokens` table; each method is one short transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.sqlite_writes import write_transaction
from adapters.sqlalchemy.tables import refresh_tokens as table
from domain.refresh_token import RefreshToken


def _row(token: RefreshToken) -> dict[str, Any]:
    return {
        "token_hash": token.token_hash,
        "family_id": token.family_id,
        "user_id": token.user_id,
        "issued_at": token.issued_at,
        "expires_at": token.expires_at,
        "rotated_at": token.rotated_at,
        "revoked_at": token.revoked_at,
    }


class SqlRefreshTokenStore:
    """Rotation is a conditional UPDATE (`rotated_at IS NULL AND revoked_at IS NULL`):
    of two concurrent uses of one token, the database lets exactly one update the row."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, token: RefreshToken) -> None:
        async with write_transaction(self._engine) as conn:
            await conn.execute(insert(table).values(_row(token)))

    async def find(self, token_hash: str) -> RefreshToken | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(table).where(table.c.token_hash == token_hash))
            ).first()
        return None if row is None else RefreshToken(**row._mapping)

    async def rotate(self, used_hash: str, successor: RefreshToken, at: datetime) -> bool:
        async with write_transaction(self._engine) as conn:
            claimed = await conn.execute(
                update(table)
                .where(
                    table.c.token_hash == used_hash,
                    table.c.rotated_at.is_(None),
                    table.c.revoked_at.is_(None),
                )
                .values(rotated_at=at)
            )
            if claimed.rowcount != 1:
                return False
            await conn.execute(insert(table).values(_row(successor)))
        return True

    async def revoke_family(self, family_id: str, at: datetime) -> None:
        async with write_transaction(self._engine) as conn:
            await conn.execute(
                update(table)
                .where(table.c.family_id == family_id, table.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )

    async def delete_expired(self, now: datetime) -> int:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(table).where(table.c.expires_at <= now))
        return int(result.rowcount or 0)
