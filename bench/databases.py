"""The bench's own PostgreSQL database, created and dropped on the server of a given URL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.engine import build_engine

DATABASE = "fieldcrm_bench"


async def _admin(url: str, statements: list[str]) -> None:
    admin = build_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def bench_postgres_database(url: str, name: str = DATABASE) -> str:
    """A fresh, empty database `name` (`fieldcrm_bench`) on that server; returns its URL."""
    await _admin(
        url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"']
    )
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str, name: str = DATABASE) -> None:
    await _admin(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
