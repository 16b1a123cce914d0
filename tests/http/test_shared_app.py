"""The app the HTTP tests share (tests/http/shared_apps.py) behaves, for each test, like an
app built on that test's container: its requests reach that container, and nothing it
remembered in one test (login failures, cached users) is there in the next."""

from __future__ import annotations

import httpx
from litestar import Litestar

from application import users as user_cases
from application.access import SYSTEM
from domain.user import Role
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.conftest import truncate_all
from tests.http.conftest import PASSWORD
from tests.http.shared_apps import shared_app
from tests.overrides import container_for_tests


def _client(app: Litestar) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"username": username, "password": password})


async def _add_user(container: Container, username: str, role: Role) -> None:
    await user_cases.create_user(
        SYSTEM,
        container.uow(),
        container.clock(),
        container.password_hasher(),
        user_cases.NewUser(username, PASSWORD, role),
    )


async def _token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await _login(client, username, PASSWORD)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def _new_user(username: str) -> dict[str, str]:
    return {"username": username, "password": PASSWORD, "role": "office"}


async def test_one_test_leaves_nothing_behind_for_the_next(
    container: Container, settings: Settings
) -> None:
    failures = settings.limits.login_failures_per_username
    await _add_user(container, "boss", Role.ADMIN)
    async with shared_app(container) as app, _client(app) as client:
        admin = await _token(client, "boss")  # user 1, remembered as an admin
        created = await client.post("/users", json=_new_user("clerk"), headers=admin)
        assert created.status_code == 201, created.text
        for _ in range(failures):
            assert (await _login(client, "ghost", "wrong-password-1")).status_code == 401
        assert (await _login(client, "ghost", "wrong-password-1")).status_code == 429

    # The next test: its own container on the emptied database, the same app object.
    second = container_for_tests(settings)
    try:
        await truncate_all(second.engine())
        await _add_user(second, "boss", Role.OFFICE)  # id 1 again, now an office user
        async with shared_app(second) as again, _client(again) as client:
            assert again is app
            office = await _token(client, "boss")
            refused = await client.post("/users", json=_new_user("clerk"), headers=office)
            assert refused.status_code == 403, refused.text  # not the cached admin
            assert (await _login(client, "ghost", "wrong-password-1")).status_code == 401
    finally:
        await second.engine().dispose()
