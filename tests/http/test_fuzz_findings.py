"""What the schemathesis run found, pinned down: NUL characters, OPTIONS on guarded
paths, the last admin, and problem responses documented in the OpenAPI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy.exc import DataError

from domain.user import Role
from entrypoints.http.problems import on_data_error
from tests.http.conftest import Headers, assert_problem


async def test_nul_in_a_json_field_is_refused_naming_it_and_stores_nothing(
    client: httpx.AsyncClient, office: Headers
) -> None:
    body = '{"name": "Ann\\u0000", "phone": "+14155550123"}'
    headers = {**office, "Content-Type": "application/json"}
    response = await client.post("/customers", content=body, headers=headers)
    assert_problem(response, 400, "name")
    listed = await client.get("/customers", headers=office)
    assert listed.json()["total"] == 0


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(
    client: httpx.AsyncClient, office: Headers
) -> None:
    body = '{"name": "C:\\\\u0000 Ann", "phone": "+14155550123"}'  # text: C:\u0000 Ann
    headers = {**office, "Content-Type": "application/json"}
    response = await client.post("/customers", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "C:\\u0000 Ann"


async def test_nul_in_a_query_parameter_or_login_is_a_400(
    client: httpx.AsyncClient, office: Headers
) -> None:
    assert_problem(await client.get("/customers?limit=5%00", headers=office), 400, "limit")
    login = await client.post("/auth/login", json={"username": "a\x00", "password": "x"})
    assert_problem(login, 400, "username")


async def test_options_on_an_admin_only_path_answers_without_an_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/users")
    assert response.status_code == 204
    assert "POST" in response.headers["allow"]


async def test_the_last_active_admin_cannot_be_deleted_disabled_or_demoted(
    client: httpx.AsyncClient,
    admin: Headers,
    make_user: Callable[..., Awaitable[Headers]],
) -> None:
    users = (await client.get("/users", headers=admin)).json()["items"]
    admin_id = next(user["id"] for user in users if user["role"] == "admin")
    assert_problem(await client.delete(f"/users/{admin_id}", headers=admin), 409)
    assert_problem(
        await client.put(f"/users/{admin_id}", json={"active": False}, headers=admin), 409
    )
    demote = await client.put(f"/users/{admin_id}", json={"role": "office"}, headers=admin)
    assert_problem(demote, 409)
    second = await make_user(Role.ADMIN, "second-admin")
    response = await client.delete(f"/users/{admin_id}", headers=second)
    assert response.status_code == 204  # another active admin remains


async def test_every_operation_documents_its_problem_responses(client: httpx.AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "400" in responses and "422" in responses, (method, path)
            problem = responses["400"]["content"]["application/problem+json"]["schema"]
            assert problem, (method, path)
            if not path.startswith(("/health", "/ready", "/auth/", "/webhooks/")):
                assert {"401", "403"} <= responses.keys(), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
    insight = document["paths"]["/customers/{customerId}/timeline-summary"]["post"]["responses"]
    assert {"429", "502", "503"} <= insight.keys()


def test_a_value_the_database_refuses_is_a_400_that_does_not_echo_it() -> None:
    refused = DataError("INSERT ...", {}, ValueError("invalid byte sequence: secret-value"))
    response = on_data_error(None, refused)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.media_type == "application/problem+json"
    assert "secret-value" not in str(response.content)
