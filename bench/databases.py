"""The bench's own PostgreSQL database, created and dropped on the server of a given URL."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.engine import build_engine

DATABASE = "fieldcrm_bench"
R = TypeVar("R")


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


def int_env(name: str, default: int) -> int:
    """A whole-number bench setting from the environment (`default` when unset or blank)."""
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def on_each_database(
    postgres_url: str,
    name: str,
    doing: str,
    measure: Callable[[str, str], Coroutine[Any, Any, R]],
) -> list[R]:
    """`measure(url, label)` on a migrated temporary SQLite file, then, when `postgres_url`
    is set, on a fresh PostgreSQL database `name` on that server (dropped afterwards)."""
    from entrypoints import migrate

    results = []
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        print(f"SQLite: {doing}...", flush=True)
        results.append(asyncio.run(measure(url, "SQLite")))
    if postgres_url:
        url = asyncio.run(bench_postgres_database(postgres_url, name))
        try:
            migrate.upgrade(url)
            print(f"PostgreSQL: {doing}...", flush=True)
            results.append(asyncio.run(measure(url, "PostgreSQL")))
        finally:
            asyncio.run(drop_postgres_database(postgres_url, name))
    return results


async def server_version(engine: Any) -> str:
    """ "SQLite 3.40.1" or "PostgreSQL 15...": what the numbers were measured on."""
    from bench.customer_view import _VERSION_SQL

    async with engine.connect() as conn:
        return str((await conn.exec_driver_sql(_VERSION_SQL[engine.dialect.name])).scalar())


def print_header(title: str, columns: str) -> None:
    """A result table's title, column names and rule."""
    print()
    print(title)
    print(columns)
    print("-" * len(columns))
