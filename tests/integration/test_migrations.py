"""Migrations build the schema from empty, go back to base, and agree with the tables."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables import include_object, metadata
from entrypoints import migrate
from tests.conftest import BACKENDS, POSTGRES_URL


async def _recreate_postgres_database(name: str) -> str:
    """A fresh database named after the test database (runners on one server don't clash)."""
    name = f"{make_url(POSTGRES_URL).database}_{name}"
    admin = build_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def fresh_database_url(backend: str, tmp_path: Path, name: str) -> str:
    """A brand-new, empty database: the SQLite file `name`.db under `tmp_path`, or the
    PostgreSQL database `name` (dropped first if it exists)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
    return asyncio.run(_recreate_postgres_database(name))


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A brand-new, empty database of each backend."""
    return fresh_database_url(request.param, tmp_path, "fieldcrm_migrations_test")


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _tables(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _diff(url: str) -> list[object]:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:

            def compare(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(
                    sync_conn, opts={"compare_type": True, "include_object": include_object}
                )
                return compare_metadata(context, metadata)

            return list(await conn.run_sync(compare))
    finally:
        await engine.dispose()


async def _foreign_key_columns_without_index(url: str) -> list[str]:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:

            def check(sync_conn):  # type: ignore[no-untyped-def]
                inspector = inspect(sync_conn)
                missing = []
                for table in inspector.get_table_names():
                    indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)} | {
                        tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)
                    }
                    for fk in inspector.get_foreign_keys(table):
                        cols = tuple(fk["constrained_columns"])
                        if not any(ix[: len(cols)] == cols for ix in indexed):
                            missing.append(f"{table}.{','.join(cols)}")
                return missing

            return list(await conn.run_sync(check))
    finally:
        await engine.dispose()


def test_upgrade_from_empty_builds_every_table(empty_url):
    migrate.upgrade(empty_url)
    assert {t.name for t in metadata.sorted_tables} <= _run(_tables(empty_url))


def test_migrations_and_table_definitions_agree(empty_url):
    migrate.upgrade(empty_url)
    assert _run(_diff(empty_url)) == []


def test_every_foreign_key_has_an_index(empty_url):
    migrate.upgrade(empty_url)
    assert _run(_foreign_key_columns_without_index(empty_url)) == []


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(empty_url):
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    assert _run(_tables(empty_url)) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert _run(_diff(empty_url)) == []
