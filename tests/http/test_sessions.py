"""Sessions through the real app: refresh tokens rotate, a reused one revokes its family,
logout revokes, a disabled user cannot refresh, sessions end at their absolute expiry,
/auth/me tells who is signed in. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.sqlalchemy.tables import refresh_tokens
from domain.user import Role
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.conftest import truncate_all
from tests.fakes import FakeClock
from tests.http.conftest import PASSWORD, assert_problem
from tests.overrides import container_for_tests

Headers = dict[str, str]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def container(settings: Settings, clock: FakeClock) -> AsyncIterator[Container]:
    container = container_for_tests(settings, clock=clock)
    await truncate_all(container.engine())
    yield container
    await container.engine().dispose()


@pytest.fixture
def sign_in(
    client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Headers]]
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Create a user of `role` and sign in; returns the login answer."""

    async def sign_in(role: Role = Role.OFFICE, username: str | None = None) -> dict[str, Any]:
        username = username or f"{role.value}-user"
        await make_user(role, username=username)
        response = await client.post(
            "/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return sign_in


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/auth/refresh", json={"refreshToken": token})


def bearer(tokens: dict[str, Any]) -> Headers:
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


async def test_login_returns_a_short_access_token_and_a_refresh_token(client, sign_in, clock):
    tokens = await sign_in()
    assert tokens["tokenType"] == "Bearer" and tokens["role"] == "office"
    assert tokens["expiresIn"] == 15 * 60
    assert tokens["refreshExpiresIn"] == 30 * 86_400
    ends = datetime.fromisoformat(tokens["refreshExpiresAt"])
    assert ends == clock.now() + timedelta(days=30)
    assert len(tokens["refreshToken"]) >= 43 and tokens["refreshToken"] != tokens["accessToken"]


async def test_refresh_rotates_and_the_used_token_stops_working(client, sign_in):
    first = await sign_in()
    second = (await refresh(client, first["refreshToken"])).json()
    assert second["refreshToken"] != first["refreshToken"]
    me = await client.get("/auth/me", headers=bearer(second))
    assert me.status_code == 200 and me.json()["username"] == "office-user"
    third = await refresh(client, second["refreshToken"])
    assert third.status_code == 200, third.text
    body = assert_problem(await refresh(client, first["refreshToken"]), 401)
    assert "already used" in body["detail"]


async def test_reusing_a_rotated_token_revokes_the_whole_family(client, sign_in):
    first = await sign_in()
    second = (await refresh(client, first["refreshToken"])).json()
    reuse = assert_problem(await refresh(client, first["refreshToken"]), 401)
    assert "revoked" in reuse["detail"]
    # The newest token of the family (the thief's or the user's) is dead too.
    assert_problem(await refresh(client, second["refreshToken"]), 401)
    # Another sign-in of the same user is another family: unaffected.
    other = (
        await client.post("/auth/login", json={"username": "office-user", "password": PASSWORD})
    ).json()
    assert (await refresh(client, other["refreshToken"])).status_code == 200


async def test_logout_revokes_the_session_and_is_idempotent(client, sign_in):
    tokens = await sign_in()
    rotated = (await refresh(client, tokens["refreshToken"])).json()
    logout = await client.post("/auth/logout", json={"refreshToken": rotated["refreshToken"]})
    assert logout.status_code == 204 and logout.content == b""
    assert_problem(await refresh(client, rotated["refreshToken"]), 401)
    again = await client.post("/auth/logout", json={"refreshToken": rotated["refreshToken"]})
    assert again.status_code == 204
    unknown = await client.post("/auth/logout", json={"refreshToken": "never-issued"})
    assert unknown.status_code == 204


async def test_a_disabled_user_cannot_refresh(client, sign_in, admin):
    tokens = await sign_in(Role.OFFICE, "leaving-office")
    users = (await client.get("/users", headers=admin)).json()["items"]
    user_id = next(u["id"] for u in users if u["username"] == "leaving-office")
    disabled = await client.put(f"/users/{user_id}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200
    body = assert_problem(await refresh(client, tokens["refreshToken"]), 401)
    assert "disabled" in body["detail"]
    # Enabling the user again does not bring the session back: it was revoked.
    await client.put(f"/users/{user_id}", json={"active": True}, headers=admin)
    assert_problem(await refresh(client, tokens["refreshToken"]), 401)


async def test_sessions_end_at_their_absolute_expiry(client, sign_in, clock):
    tokens = await sign_in()
    clock.advance(timedelta(days=29))
    later = (await refresh(client, tokens["refreshToken"])).json()
    # Rotation keeps the sign-in's expiry: one day left, not thirty more.
    assert later["refreshExpiresIn"] == 86_400
    clock.advance(timedelta(days=1))
    body = assert_problem(await refresh(client, later["refreshToken"]), 401)
    assert "expired" in body["detail"]


async def test_refresh_tokens_are_stored_only_as_their_sha256(client, sign_in, container):
    tokens = await sign_in()
    raw = tokens["refreshToken"]
    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(refresh_tokens))).mappings().all()
    # Two sign-ins (the fixture's and this one): two rows, one of them this token's hash.
    assert len(rows) == 2
    assert hashlib.sha256(raw.encode()).hexdigest() in {row["token_hash"] for row in rows}
    assert all(raw not in str(value) for row in rows for value in row.values())


async def test_unknown_or_malformed_refresh_tokens_are_refused(client):
    body = assert_problem(await refresh(client, "not-a-token-we-issued"), 401)
    assert "unknown" in body["detail"]
    assert_problem(await client.post("/auth/refresh", json={}), 400, "refreshToken")
    assert_problem(await client.post("/auth/refresh", json={"refreshToken": 42}), 400)
    assert_problem(await client.post("/auth/refresh", json={"refreshToken": ""}), 400)
    assert_problem(await client.post("/auth/logout", json={"refreshToken": "x" * 201}), 400)


@pytest.mark.parametrize("role", list(Role))
async def test_me_is_the_signed_in_user(client, sign_in, role):
    tokens = await sign_in(role)
    me = await client.get("/auth/me", headers=bearer(tokens))
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["username"] == f"{role.value}-user" and body["role"] == role.value
    assert body["active"] is True and isinstance(body["id"], int)
    assert (body["technicianId"] is not None) == (role is Role.TECHNICIAN)
    assert "passwordHash" not in body


async def test_me_needs_a_token(client):
    assert_problem(await client.get("/auth/me"), 401)


async def test_deleting_a_user_ends_their_sessions(client, sign_in, admin):
    tokens = await sign_in(Role.OFFICE, "short-lived")
    users = (await client.get("/users", headers=admin)).json()["items"]
    user_id = next(u["id"] for u in users if u["username"] == "short-lived")
    assert (await client.delete(f"/users/{user_id}", headers=admin)).status_code == 204
    assert_problem(await refresh(client, tokens["refreshToken"]), 401)
