"""DriverStatement (the Customer View document's statement, run on the pooled driver
connection): the same row whether or not cursor listeners are attached (they take a slower
path that hands them a Connection), connections go back to the pool, and database failures
arrive as SQLAlchemy's DBAPIError — a lost connection marked invalidated and dropped."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Integer, bindparam, exc, func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.driver_statement import DriverStatement
from adapters.sqlalchemy.engine import build_engine
from tests.conftest import backend_of
from tests.statement_capture import statements_sent

pytestmark = pytest.mark.asyncio


def _doubling(engine: AsyncEngine) -> DriverStatement:
    n = bindparam("n", type_=Integer)
    statement = select((n * 2).label("doubled"), literal("fixed").label("word")).where(n > 0)
    return DriverStatement(engine, statement, ("n",))


async def test_rows_are_the_same_with_and_without_listeners(engine: AsyncEngine) -> None:
    statement = _doubling(engine)
    plain = await statement.first_row(n=21)
    assert (plain.doubled, plain.word) == (42, "fixed")
    assert await statement.first_row(n=-1) is None
    with statements_sent(engine) as seen:
        observed = await statement.first_row(n=21)
        assert await statement.first_row(n=-1) is None
    assert observed == plain
    assert seen == [statement.text, statement.text]


async def test_every_connection_goes_back_to_the_pool(engine: AsyncEngine) -> None:
    statement = _doubling(engine)
    pool = engine.sync_engine.pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    rows = await asyncio.gather(*(statement.first_row(n=i) for i in range(1, 41)))
    assert [row.doubled for row in rows] == [2 * i for i in range(1, 41)]
    failing = DriverStatement(
        engine, select(func.no_such_function(bindparam("n", type_=Integer)).label("x")), ("n",)
    )
    with pytest.raises(exc.DBAPIError) as raised:  # a failed statement returns its connection
        await failing.first_row(n=1)
    assert not raised.value.connection_invalidated
    assert pool.checkedout() == before  # type: ignore[attr-defined]
    assert (await statement.first_row(n=5)).doubled == 10


@pytest.mark.parametrize(
    "where",
    [
        "127.0.0.1:1/nowhere",  # nothing listens: the driver's OSError, as Engine.connect raises it
        "127.0.0.1:5432/fieldcrm_no_such_database",  # refused by the server: DBAPIError
    ],
)
async def test_a_failed_connect_raises_what_engine_connect_raises(
    database_url: str, where: str
) -> None:
    if backend_of(database_url) != "postgresql":
        pytest.skip("SQLite opens its file; there is no server to refuse a connection")
    engine = build_engine(f"postgresql://postgres@{where}", connect_timeout=2)
    try:
        with pytest.raises(Exception) as by_engine:
            async with engine.connect():
                pass
        with pytest.raises(Exception) as by_statement:
            await _doubling(engine).first_row(n=1)
        assert type(by_statement.value) is type(by_engine.value)
        if "no_such_database" in where:
            assert isinstance(by_statement.value, exc.DBAPIError)
    finally:
        await engine.dispose()


async def test_a_connection_killed_under_the_statement_is_dropped(database_url: str) -> None:
    if backend_of(database_url) != "postgresql":
        pytest.skip("only a server can close a connection under a statement")
    engine = build_engine(database_url)
    killer = build_engine(database_url)
    n = bindparam("n", type_=Integer)
    sleeping = DriverStatement(
        engine,
        select(func.pg_sleep(5).label("slept"), func.pg_backend_pid().label("pid"), n.label("n")),
        ("n",),
    )
    pids = DriverStatement(engine, select(func.pg_backend_pid().label("pid"), n.label("n")), ("n",))
    try:
        victim = (await pids.first_row(n=1)).pid  # the pool's one idle connection
        running = asyncio.create_task(sleeping.first_row(n=1))
        async with killer.connect() as conn:
            for _ in range(100):  # until the statement is running on the victim
                await asyncio.sleep(0.05)
                state = await conn.exec_driver_sql(
                    "SELECT state FROM pg_stat_activity WHERE pid = $1", (victim,)
                )
                if state.scalar() == "active":
                    break
            await conn.exec_driver_sql("SELECT pg_terminate_backend($1)", (victim,))
        with pytest.raises(exc.DBAPIError) as raised:
            await running
        assert raised.value.connection_invalidated
        assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert (await pids.first_row(n=2)).pid != victim  # a fresh connection, not the dead one
    finally:
        await engine.dispose()
        await killer.dispose()
