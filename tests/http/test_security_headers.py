"""Security headers on every kind of response, and CORS for the configured origins only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import LimitSettings, Settings
from tests.http.conftest import Headers
from tests.http.helpers import customer_body

FRONTEND = "https://app.fieldcrm.example"
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(cors_origins=(FRONTEND,), limits=LimitSettings(max_body_bytes=4096))


def assert_secure(response: httpx.Response, csp: str = STRICT_CSP) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"] == csp
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["cache-control"] == "no-store"


async def test_authenticated_2xx_carries_the_headers(client: httpx.AsyncClient, office: Headers):
    created = await client.post("/customers", json=customer_body(), headers=office)
    assert created.status_code == 201
    assert_secure(created)
    listed = await client.get("/customers", headers=office)
    assert listed.status_code == 200
    assert_secure(listed)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/health", None, 200),
        ("GET", "/customers", None, 401),  # no token
        ("GET", "/no-such-path", None, 404),
        ("DELETE", "/health", None, 405),
        ("POST", "/auth/login", {"username": "x"}, 400),  # problem document
        ("POST", "/auth/login", {"username": "x", "password": "y" * 5000}, 413),
    ],
)
async def test_every_status_carries_the_headers(
    client: httpx.AsyncClient, method: str, path: str, body: Any, status: int
):
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert_secure(response)


async def test_a_500_carries_the_headers(
    container: Container, client: httpx.AsyncClient, office: Headers
):
    class Broken:
        """A unit of work that cannot even start: every use case fails unexpectedly."""

    container.uow.override(providers.Factory(Broken))
    response = await client.get("/customers", headers=office)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_secure(response)


async def test_swagger_page_gets_a_csp_allowing_only_this_server(client: httpx.AsyncClient):
    page = await client.get("/schema/swagger")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "http" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-frame-options"] == "DENY"
    spec = await client.get("/schema/openapi.json")  # the document itself is plain JSON
    assert spec.status_code == 200
    assert "http" not in spec.headers["content-security-policy"]


async def test_preflight_from_the_frontend_is_allowed(client: httpx.AsyncClient):
    response = await client.options(
        "/customers",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code in (200, 204), response.text
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_preflight_from_another_origin_is_not_allowed(client: httpx.AsyncClient):
    response = await client.options(
        "/customers",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
    assert response.status_code >= 400


async def test_simple_request_from_another_origin_gets_no_allow_origin(
    client: httpx.AsyncClient, office: Headers
):
    allowed = await client.get("/customers", headers={**office, "Origin": FRONTEND})
    assert allowed.headers["access-control-allow-origin"] == FRONTEND
    other = await client.get("/customers", headers={**office, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_without_cors_origins_no_origin_is_allowed(container: Container, settings: Settings):
    app: Litestar = create_app(container)
    container.settings.override(providers.Object(settings.replace(cors_origins=())))
    bare = create_app(container)
    assert app.cors_config is not None and bare.cors_config is None
    transport = httpx.ASGITransport(app=bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.options(
            "/customers", headers={"Origin": FRONTEND, "Access-Control-Request-Method": "GET"}
        )
    assert "access-control-allow-origin" not in response.headers
