"""DATABASE_POOL_SIZE bounds the connections a server process opens (no overflow): a
request that finds every one busy for the whole wait (DATABASE_CONNECT_TIMEOUT_SECONDS)
gets a 503 with Retry-After, and is served once a connection is free again."""

from __future__ import annotations

import pytest

from domain.user import Role
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET, backend_of

pytestmark = pytest.mark.asyncio


@pytest.fixture
def settings(database_url: str) -> Settings:
    if backend_of(database_url) != "postgresql":
        pytest.skip("the wait is bounded by the PostgreSQL connect timeout")
    return Settings(
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        environment="test",
        database_pool_size=1,
        database_connect_timeout_seconds=1,
    )


async def test_a_request_waiting_too_long_for_a_connection_answers_503(
    container: Container, client, make_user
) -> None:
    headers = await make_user(Role.OFFICE)
    created = await client.post(
        "/customers", json={"name": "Ada", "phone": "+15550001111"}, headers=headers
    )
    assert created.status_code == 201, created.text
    path = f"/customers/{created.json()['id']}"
    async with container.engine().connect() as held:  # the pool's one connection
        await held.exec_driver_sql("SELECT 1")
        busy = await client.get(path, headers=headers)
    assert busy.status_code == 503, busy.text
    assert busy.headers["retry-after"] == "2"
    assert busy.headers["content-type"].startswith("application/problem+json")
    assert "no database connection became free" in busy.json()["detail"]
    served = await client.get(path, headers=headers)
    assert served.status_code == 200, served.text
    assert served.json()["name"] == "Ada"
