"""The application's engine bounds how long a statement may run (PostgreSQL) or wait for a
lock (SQLite)."""

from __future__ import annotations

from sqlalchemy import text

from entrypoints.settings import Settings
from tests.conftest import backend_of
from tests.overrides import container_for_tests


async def test_the_engine_carries_the_configured_timeouts(settings: Settings) -> None:
    configured = settings.replace(database_statement_timeout_seconds=7)
    container = container_for_tests(configured)
    engine = container.engine()
    try:
        async with engine.connect() as conn:
            if backend_of(settings.database_url) == "postgresql":
                assert (await conn.execute(text("SHOW statement_timeout"))).scalar() == "7s"
                raw = await conn.get_raw_connection()
                assert raw.driver_connection._config.command_timeout == 12  # a 5 s margin
            else:
                assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
                # WAL, and no fsync per commit (only at checkpoints): see sqlite_writes.py
                assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
    finally:
        await engine.dispose()
