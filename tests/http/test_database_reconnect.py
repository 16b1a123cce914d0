"""No pre-ping: a pooled PostgreSQL connection the server closed is replaced at checkout.

The pool no longer spends a round trip per checkout checking its connection
(src/adapters/sqlalchemy/engine.py). When the server ends the backends (a restart, a
failover, `pg_terminate_backend`), the requests that follow must still succeed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from domain.user import Role
from entrypoints.container import Container

KILL_OTHERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def _terminate_backends(url: str) -> int:
    admin = build_engine(url)
    try:
        async with admin.connect() as conn:
            return int((await conn.execute(KILL_OTHERS)).scalar_one())
    finally:
        await admin.dispose()


async def test_requests_after_the_server_killed_every_pooled_connection_succeed(
    container: Container, client: httpx.AsyncClient, make_user, database_url: str
) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("pg_terminate_backend: PostgreSQL only")
    headers = await make_user(Role.OFFICE)
    created = await client.post("/customers", json={"name": "Ann Example"}, headers=headers)
    assert created.status_code == 201, created.text
    path = f"/customers/{created.json()['id']}"
    # Several connections in the pool, all idle when the server kills them.
    answers = await asyncio.gather(*(client.get(path, headers=headers) for _ in range(4)))
    assert {a.status_code for a in answers} == {200}
    assert await _terminate_backends(str(container.engine().url)) >= 1
    await asyncio.sleep(0.2)  # the event loop sees the sockets close

    assert (await client.get(path, headers=headers)).status_code == 200
    answers = await asyncio.gather(*(client.get(path, headers=headers) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    changed = await client.put(path, json={"name": "Ann Changed"}, headers=headers)
    assert changed.status_code == 200, changed.text


class _LostConnection:
    """A Customer View query whose connection dies under it (as asyncpg reports it)."""

    def __init__(self, invalidated: bool) -> None:
        self._invalidated = invalidated

    async def customer_view(self, *_: object) -> None:
        raise DBAPIError(
            "SELECT ...",
            {},
            ConnectionError("connection was closed in the middle of operation"),
            connection_invalidated=self._invalidated,
        )

    customer_view_document = customer_view  # what GET /customers/{id} asks staff's view of


@pytest.mark.parametrize("invalidated, status", [(True, 503), (False, 500)])
async def test_a_connection_lost_during_a_request_answers_503_with_retry_after(
    container: Container, client: httpx.AsyncClient, make_user, invalidated: bool, status: int
) -> None:
    headers = await make_user(Role.OFFICE)
    container.customer_view_query.override(providers.Object(_LostConnection(invalidated)))
    try:
        response = await client.get("/customers/1", headers=headers)
    finally:
        container.customer_view_query.reset_override()
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if invalidated:
        assert response.headers["retry-after"] == "1"
        assert "database connection was lost" in response.json()["detail"]
