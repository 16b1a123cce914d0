"""What one `POST /customers` costs the database, so it does not creep back up: on SQLite
every writer queues for the one write lock, and p99 at 16 concurrent writers is that
queue (docs/performance.md, "SQLite under write load")."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import event

from entrypoints.container import Container
from tests.http.conftest import Headers
from tests.http.helpers import customer_body
from tests.statement_capture import statements_sent


async def test_creating_a_customer_sends_two_statements(
    client: httpx.AsyncClient, office: Headers, container: Container
) -> None:
    """The customer and its audit entry; the search index and the data version follow
    from triggers in the same transaction, the active user from the cache."""
    engine = container.engine()
    first = await client.post("/customers", json=customer_body(name="Warm"), headers=office)
    assert first.status_code == 201
    with statements_sent(engine) as statements:
        created = await client.post(
            "/customers", json=customer_body(name="Counted"), headers=office
        )
    sent = [" ".join(statement.split()[:3]) for statement in statements]
    assert created.status_code == 201
    assert sent == ["INSERT INTO customers", "INSERT INTO audit_entries"]


async def test_on_sqlite_the_write_is_one_transaction_of_three_trips(
    client: httpx.AsyncClient, office: Headers, container: Container
) -> None:
    """One transaction in SQLite's own trace, and how many times the request waits for the
    connection's thread (sqlite_one_trip.py): BEGIN IMMEDIATE travels with the first
    INSERT; the active user comes from the cache and the pool's reset after the commit
    costs nothing."""
    engine = container.engine()
    if engine.dialect.name != "sqlite":
        return
    from adapters.sqlalchemy.sqlite_one_trip import OneTripConnection

    await client.post("/customers", json=customer_body(name="Warm"), headers=office)
    ran: list[str] = []
    trips = 0
    plain_execute = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await plain_execute(self, fn, *args, **kwargs)

    def traced(connection: Any, _record: Any) -> None:
        connection.run_async(
            lambda driver: driver.set_trace_callback(
                lambda sql: ran.append(" ".join(sql.split()[:3]))
            )
        )

    await engine.dispose()  # fresh connections, traced from their first statement
    event.listen(engine.sync_engine, "connect", traced)
    try:
        async with engine.connect():  # opened (and traced) before the request
            pass
        ran.clear()
        OneTripConnection._execute = counted  # type: ignore[method-assign]
        try:
            created = await client.post(
                "/customers", json=customer_body(name="Traced"), headers=office
            )
        finally:
            OneTripConnection._execute = plain_execute  # type: ignore[method-assign]
    finally:
        event.remove(engine.sync_engine, "connect", traced)
    assert created.status_code == 201
    # SQLite's own trace also shows what the triggers and the search index (FTS5) run
    # inside the statements; the transaction is one BEGIN IMMEDIATE ... COMMIT around both.
    assert ran[0] == "BEGIN IMMEDIATE" and ran[-1] == "COMMIT"
    top_level = [
        sql
        for sql in ran
        if sql.startswith(("BEGIN", "COMMIT", "INSERT INTO a", "INSERT INTO customers"))
    ]
    assert top_level[0] == "BEGIN IMMEDIATE" and top_level[-2:] == [
        "INSERT INTO audit_entries",
        "COMMIT",
    ]
    assert ran.count("BEGIN IMMEDIATE") == 1 and ran.count("COMMIT") == 1
    assert trips == 3  # INSERT (with its BEGIN), INSERT, COMMIT
