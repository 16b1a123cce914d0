"""The databases a test process uses, and the cheap way to empty them between tests.

Under pytest-xdist every worker ("gw0", "gw1", ...) gets its own PostgreSQL database
(`<FIELDCRM_TEST_POSTGRES_URL's database>_gw0`, created on first use) and its own Redis
database number, so workers never see each other's rows or keys; SQLite files already live
under each worker's own temporary directory.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables import metadata

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_index(worker: str) -> int:
    """0 for "gw0" (and for no worker), 1 for "gw1", ..."""
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def worker_postgres_url(url: str, worker: str) -> str:
    """`url` with the worker's name appended to its database name ("" stays "")."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def worker_redis_url(url: str, worker: str) -> str:
    """`url` on database number (base + worker index) modulo 16: gw0 keeps the base one."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    base = int(parsed.database or 0)
    number = (base + worker_index(worker)) % REDIS_DATABASES
    return parsed.set(database=str(number)).render_as_string(hide_password=False)


async def prepare_database(url: str) -> None:
    """CREATE DATABASE for `url`'s database unless it exists (through the server's
    maintenance database "postgres"), with asynchronous commits. An unreachable server
    raises, naming the URL."""
    parsed = make_url(url)
    name = parsed.database
    admin_url = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = build_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A test database need not survive a crash: commits return without waiting for
            # the WAL flush (every test commits many times; the disk is shared).
            await conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    except OSError as exc:
        raise RuntimeError(
            f"PostgreSQL at FIELDCRM_TEST_POSTGRES_URL unreachable ({admin_url}): {exc}"
        ) from exc
    finally:
        await admin.dispose()


def _emptying_statements() -> list[str]:
    """Break the reference cycles, then delete child tables before their parents."""
    names = [table.name for table in metadata.sorted_tables]
    return [
        "UPDATE customers SET referred_by_id = NULL WHERE referred_by_id IS NOT NULL",
        "UPDATE jobs SET appliance_id = NULL WHERE appliance_id IS NOT NULL",
        *(f"DELETE FROM {name}" for name in reversed(names)),
    ]


# Every sequence of the schema back to its start: what TRUNCATE ... RESTART IDENTITY does.
_RESTART_SEQUENCES = (
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
    "FROM pg_sequences WHERE schemaname = current_schema()"
)


async def empty_tables(engine: AsyncEngine) -> None:
    """Empty every table, ids restarting at 1.

    On PostgreSQL one round trip runs DELETEs and resets the sequences: measured here, a
    `TRUNCATE <all 17 tables> RESTART IDENTITY CASCADE` takes 300-400 ms (it swaps every
    table's files), DELETE on the few rows a test leaves about 7 ms."""
    statements = _emptying_statements()
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            # A multi-statement simple query runs as one transaction on the server.
            await raw.driver_connection.execute(";\n".join([*statements, _RESTART_SEQUENCES]))
        return
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
