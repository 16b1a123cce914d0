"""The per-customer data version, kept by triggers (migration 0014): one small SELECT."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import customer_data_versions as v
from adapters.sqlalchemy.tables import customers as c

_VERSION = (
    select(v.c.version)
    .select_from(c.join(v, v.c.customer_id == c.c.id))
    .where(c.c.id == bindparam("customer_id"))
)


class SqlCustomerDataVersions:
    """Reads `customer_data_versions` joined to `customers` (a deleted customer has no
    version, though its counter row is kept)."""

    def __init__(self, engine: AsyncEngine) -> None:
        # One read-only SELECT needs no transaction. On PostgreSQL autocommit spares the
        # BEGIN and ROLLBACK round trips asyncpg otherwise sends around it (the isolation
        # level is an attribute of asyncpg's adapter: setting it costs no round trip). On
        # SQLite, pysqlite begins no transaction for a SELECT anyway, and changing the
        # level would cost two trips to aiosqlite's thread.
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._engine = engine

    async def version(self, customer_id: int) -> int | None:
        async with self._engine.connect() as conn:
            found = await conn.scalar(_VERSION, {"customer_id": customer_id})
        return None if found is None else int(found)
