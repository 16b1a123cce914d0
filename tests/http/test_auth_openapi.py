"""The OpenAPI document tells the frontend which operations are public, and how a
throttled login answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PUBLIC = [
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("post", "/auth/logout"),
    ("get", "/health"),
    ("get", "/ready"),
]


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(("method", "path"), PUBLIC)
async def test_public_operations_declare_no_security(document, method, path):
    assert document["paths"][path][method]["security"] == []


async def test_other_operations_inherit_the_bearer_requirement(document):
    assert document["security"] == [{"BearerToken": []}]
    assert "security" not in document["paths"]["/auth/me"]["get"]
    assert "security" not in document["paths"]["/customers"]["get"]


async def test_login_documents_its_429_with_retry_after(document):
    responses = document["paths"]["/auth/login"]["post"]["responses"]
    assert "application/problem+json" in responses["429"]["content"]
    retry_after = responses["429"]["headers"]["Retry-After"]
    assert retry_after["schema"]["type"] == "integer" and retry_after["required"] is True
    assert "401" in responses


async def test_session_operations_are_typed(document):
    auth = document["paths"]
    login = auth["/auth/login"]["post"]["responses"]["200"]["content"]["application/json"]
    token_schema = document["components"]["schemas"][login["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert {"accessToken", "refreshToken", "expiresIn", "refreshExpiresIn"} <= set(
        token_schema["required"]
    )
    assert "401" in auth["/auth/refresh"]["post"]["responses"]
    assert "204" in auth["/auth/logout"]["post"]["responses"]
    me = auth["/auth/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me["$ref"].endswith("/UserOut")
    for path, method in (("/auth/refresh", "post"), ("/auth/logout", "post"), ("/auth/me", "get")):
        operation = auth[path][method]
        assert operation["summary"] and operation["description"] and operation["tags"] == ["auth"]
