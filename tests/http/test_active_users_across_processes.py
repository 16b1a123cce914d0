"""Each server process remembers active users for AUTH_USER_CACHE_SECONDS: a user disabled
through one process is refused by every other within that bound (docs/operations.md)."""

from __future__ import annotations

import asyncio

import httpx
from litestar import Litestar

from domain.user import Role
from entrypoints.container import Container
from entrypoints.http.app import create_app
from tests.http.conftest import PASSWORD, create_user
from tests.overrides import container_for_tests

BOUND_SECONDS = 1


def _process(container: Container) -> tuple[Container, Litestar]:
    """What one server process has of its own: a container (engine, caches) and an app."""
    settings = container.settings().replace(auth_user_cache_seconds=BOUND_SECONDS)
    own = container_for_tests(settings)
    return own, create_app(own)


def _client(app: Litestar) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def _login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


async def test_a_user_disabled_through_one_process_is_refused_by_another_within_the_bound(
    container: Container,
) -> None:
    (one, app_one), (two, app_two) = _process(container), _process(container)
    await create_user(container, Role.ADMIN, "boss")
    user_id = await create_user(container, Role.OFFICE, "clerk")
    try:
        async with _client(app_one) as first, _client(app_two) as second:
            admin = await _login(first, "boss")
            clerk = await _login(second, "clerk")
            assert (await second.get("/customers", headers=clerk)).status_code == 200
            assert (await first.get("/customers", headers=clerk)).status_code == 200

            disabled = await first.put(f"/users/{user_id}", json={"active": False}, headers=admin)
            assert disabled.status_code == 200, disabled.text
            assert (await first.get("/customers", headers=clerk)).status_code == 401  # at once

            await asyncio.sleep(BOUND_SECONDS + 0.2)
            assert (await second.get("/customers", headers=clerk)).status_code == 401
    finally:
        await one.engine().dispose()
        await two.engine().dispose()
