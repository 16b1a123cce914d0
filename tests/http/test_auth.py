"""Authentication and role checks through the real app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from litestar.security.jwt import Token

from domain.user import Role
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import PASSWORD, assert_problem

PROTECTED = ["/customers", "/technicians", "/jobs", "/payments", "/expenses", "/users"]


@pytest.mark.parametrize("path", PROTECTED)
async def test_no_token_is_401(client, path):
    assert_problem(await client.get(path), 401)


async def test_garbage_token_is_401(client):
    response = await client.get("/customers", headers={"Authorization": "Bearer nope.nope.nope"})
    assert_problem(response, 401)


async def test_public_endpoints_need_no_token(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json() == {"status": "ready"}
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/customers/{customerId}" in schema["paths"]


async def test_login_gives_a_working_bearer_token(client, office):
    assert (await client.get("/customers", headers=office)).status_code == 200


async def test_wrong_password_is_401_and_says_nothing_specific(client, admin):
    response = await client.post(
        "/auth/login", json={"username": "admin-user", "password": "wrong-password-1"}
    )
    body = assert_problem(response, 401)
    assert "wrong username or password" in body["detail"]


async def test_login_body_missing_password_names_the_field(client):
    assert_problem(await client.post("/auth/login", json={"username": "x"}), 400, "password")


async def test_expired_token_is_401(client, admin):
    expired = datetime.now(UTC) - timedelta(minutes=1)
    claims = {"sub": "1", "exp": expired, "iss": "fieldcrm", "aud": "fieldcrm-api"}
    headers = {"Authorization": f"Bearer {jwt.encode(claims, TEST_JWT_SECRET, 'HS256')}"}
    assert_problem(await client.get("/customers", headers=headers), 401)


async def test_token_signed_with_another_secret_is_401(client, admin):
    token = Token(
        sub="1", exp=datetime.now(UTC) + timedelta(minutes=5), iss="fieldcrm", aud="fieldcrm-api"
    ).encode("another-secret-" + "y" * 40, "HS256")
    assert_problem(
        await client.get("/customers", headers={"Authorization": f"Bearer {token}"}), 401
    )


async def test_disabled_users_token_stops_working(client, admin, make_user):
    tech = await make_user(Role.OFFICE, username="leaving-office")
    users = (await client.get("/users", headers=admin)).json()["items"]
    user_id = next(u["id"] for u in users if u["username"] == "leaving-office")
    response = await client.put(f"/users/{user_id}", json={"active": False}, headers=admin)
    assert response.status_code == 200
    assert_problem(await client.get("/customers", headers=tech), 401)
    login = await client.post(
        "/auth/login", json={"username": "leaving-office", "password": PASSWORD}
    )
    assert_problem(login, 401)


async def test_technician_calling_users_gets_403(client, technician):
    assert_problem(await client.get("/users", headers=technician), 403)


async def test_office_calling_users_gets_403(client, office):
    new = {"username": "sneaky", "password": "long-enough-pw-9", "role": "admin"}
    assert_problem(await client.post("/users", json=new, headers=office), 403)
    assert_problem(await client.get("/users", headers=office), 403)


async def test_a_technician_user_must_be_linked_to_a_technician(client, admin):
    new = {"username": "new.tech", "password": "long-enough-pw-9", "role": "technician"}
    assert_problem(await client.post("/users", json=new, headers=admin), 422, "technicianId")


async def test_an_admin_cannot_lock_themselves_out(client, admin):
    me = (await client.get("/users", headers=admin)).json()["items"][0]
    assert_problem(
        await client.put(f"/users/{me['id']}", json={"active": False}, headers=admin), 409
    )
    assert_problem(
        await client.put(f"/users/{me['id']}", json={"role": "office"}, headers=admin), 409
    )
    assert_problem(await client.delete(f"/users/{me['id']}", headers=admin), 409)
    assert (await client.get("/users", headers=admin)).status_code == 200


async def test_admin_manages_users(client, admin):
    tech = await client.post("/technicians", json={"name": "New Tech"}, headers=admin)
    created = await client.post(
        "/users",
        json={
            "username": "new.tech",
            "password": "long-enough-pw-9",
            "role": "technician",
            "technicianId": tech.json()["id"],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["role"] == "technician" and "passwordHash" not in body and "password" not in body
    login = await client.post(
        "/auth/login", json={"username": "new.tech", "password": "long-enough-pw-9"}
    )
    assert login.status_code == 200
    duplicate = await client.post(
        "/users",
        json={"username": "new.tech", "password": "long-enough-pw-9", "role": "office"},
        headers=admin,
    )
    assert_problem(duplicate, 409)


async def test_weak_password_is_refused_naming_the_field(client, admin):
    response = await client.post(
        "/users", json={"username": "weak", "password": "short", "role": "office"}, headers=admin
    )
    assert_problem(response, 400, "password")
