"""Engine construction for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.customer_search_sql import FOLD_FUNCTION
from adapters.sqlalchemy.sqlite_one_trip import one_trip_dbapi
from domain.customer_search import fold

# Connections per server process (DATABASE_POOL_SIZE): about twice the database host's cores
# for a small shop's single host; `fieldcrm serve --workers N` has N pools.
DEFAULT_POOL_SIZE = 5


def async_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite://` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def build_engine(
    url: str,
    echo: bool = False,
    connect_timeout: float | None = None,
    statement_timeout: float | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> AsyncEngine:
    """An engine; on PostgreSQL, `connect_timeout` bounds opening a connection and
    `statement_timeout` every statement (server-side `statement_timeout`, and asyncpg's
    `command_timeout` a little later in case the server does not answer at all).
    SQLite waits at most 5 s for a lock (busy_timeout). None: no limit (migrations).

    No pre-ping round trip per checkout on PostgreSQL: connections are recycled after
    POOL_RECYCLE_SECONDS, and a pooled connection the server has closed (restart,
    `pg_terminate_backend`, idle timeout) is noticed at checkout without a round trip
    (`_drop_closed_connection`) and replaced by a fresh one.

    `pool_size` connections at most, no overflow: more concurrent requests than that wait
    for a connection (at most `connect_timeout`, else SQLAlchemy's TimeoutError) instead of
    each running its statement at once. Measured on a 2-core host at 16 concurrent Customer
    Views: 4-5 connections gave ~5% more throughput and half the p99 of 20 — sixteen
    backends (or sixteen SQLite threads) runnable at once mostly took turns on the cores,
    the server process among them; overflow connections are opened and closed per request."""
    url = async_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if ":memory:" not in url and "mode=memory" not in url:
        # PostgreSQL and a SQLite file (each aiosqlite connection is a thread).
        kwargs.update(pool_size=pool_size, max_overflow=0)
    if url.startswith("postgresql"):
        kwargs.update(pool_recycle=POOL_RECYCLE_SECONDS, pool_timeout=connect_timeout or 30)
        # asyncpg keeps prepared statements up to 15 KB by default; the Customer View's one
        # statement is ~30 KB and was parsed and planned again at every request.
        connect_args: dict[str, Any] = {"max_cacheable_statement_size": 256 * 1024}
        if connect_timeout is not None:
            connect_args["timeout"] = connect_timeout
        if statement_timeout is not None:
            connect_args["command_timeout"] = statement_timeout + 5
            connect_args["server_settings"] = {
                "statement_timeout": str(int(statement_timeout * 1000))
            }
        kwargs["connect_args"] = connect_args
    if url.startswith("sqlite"):
        kwargs["pool_reset_on_return"] = None  # `_rollback_if_in_transaction` instead
    if make_url(url).drivername == "sqlite+aiosqlite":
        kwargs["module"] = one_trip_dbapi()  # one trip to aiosqlite's thread per statement
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _rollback_if_in_transaction)
    else:
        event.listen(engine.sync_engine, "checkout", _drop_closed_connection)
    return engine


POOL_RECYCLE_SECONDS = 1800


def _drop_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """At checkout, a pooled connection whose server side is gone is replaced: asyncpg marks
    a connection closed as soon as the event loop sees the socket close, so this costs no
    round trip. Raising DisconnectionError makes the pool discard it and connect afresh
    (SQLAlchemy retries the checkout)."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if is_closed is not None and is_closed():
        raise exc.DisconnectionError("the pooled connection was closed by the server")


def _rollback_if_in_transaction(dbapi_connection: Any, _record: Any, state: Any) -> None:
    """A connection back in the pool is rolled back only when SQLite says a transaction is
    open: the pool's default rollback is a round trip to the connection's thread at every
    return, also after a read that began nothing (the Customer View's)."""
    if not state.asyncio_safe:
        return
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is None or driver.in_transaction:
        dbapi_connection.rollback()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a commit costs
    # no fsync (measured here ~6 ms, the whole budget of a queued writer); the database
    # stays consistent after a crash, and a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_fold(dbapi_connection)


def register_fold(dbapi_connection: Any) -> None:
    """`fc_fold(text)`: the customer search's folding, which its SQLite triggers call (a
    connection without it cannot write customers)."""
    dbapi_connection.create_function(
        FOLD_FUNCTION, 1, lambda text: None if text is None else fold(text), deterministic=True
    )


class EngineProbe:
    """Readiness: one trivial statement against the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def ping(self) -> bool:
        try:
            async with self._engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
