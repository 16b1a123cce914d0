"""Rotating JWT_SECRET: tokens signed with JWT_SECRET_PREVIOUS keep working until they
expire; anything else signed with an unknown secret is still refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar.security.jwt import Token

from domain.user import Role
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, SettingsError
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import PASSWORD, assert_problem, create_user

NEW_SECRET = "rotated-secret-" + "z" * 40


def token(secret: str, user_id: int) -> str:
    claims = Token(
        sub=str(user_id),
        exp=datetime.now(UTC) + timedelta(minutes=5),
        iss="fieldcrm",
        aud="fieldcrm-api",
    )
    return claims.encode(secret, "HS256")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(jwt_secret=NEW_SECRET, jwt_secret_previous=TEST_JWT_SECRET)


@pytest.fixture
async def rotated(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_tokens_of_the_previous_secret_work_and_new_ones_use_the_new(
    rotated: httpx.AsyncClient, container: Container
) -> None:
    user_id = await create_user(container, Role.OFFICE, "office-user")
    for secret in (TEST_JWT_SECRET, NEW_SECRET):
        headers = {"Authorization": f"Bearer {token(secret, user_id)}"}
        assert (await rotated.get("/customers", headers=headers)).status_code == 200
    stranger = {"Authorization": f"Bearer {token('unknown-secret-' + 'q' * 40, user_id)}"}
    assert_problem(await rotated.get("/customers", headers=stranger), 401)

    login = await rotated.post(
        "/auth/login", json={"username": "office-user", "password": PASSWORD}
    )
    fresh = login.json()["accessToken"]
    assert Token.decode(fresh, NEW_SECRET, "HS256", audience="fieldcrm-api").sub == str(user_id)


def test_the_previous_secret_is_checked_like_the_secret() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET_PREVIOUS"):
        Settings.from_env({"JWT_SECRET": NEW_SECRET, "JWT_SECRET_PREVIOUS": "short"})
    with pytest.raises(SettingsError, match="JWT_SECRET_PREVIOUS"):
        Settings.from_env({"JWT_SECRET_PREVIOUS": TEST_JWT_SECRET})
    both = Settings.from_env({"JWT_SECRET": NEW_SECRET, "JWT_SECRET_PREVIOUS": TEST_JWT_SECRET})
    assert both.jwt_secret_previous is not None
    assert both.jwt_secret_previous.get_secret_value() == TEST_JWT_SECRET
