"""The Vue app on Vite's dev server may call the API in development and read the headers it
needs (rate limits, Retry-After, the request id); every response carries X-Request-ID."""

from __future__ import annotations

import re

import httpx
import pytest

from domain.user import Role
from entrypoints.settings import Settings
from tests.http.conftest import PASSWORD, Headers

VITE = ["http://localhost:5173", "http://127.0.0.1:5173"]
EXPOSED = {
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-request-id",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Development defaults: CORS_ORIGINS unset."""
    return settings.replace(environment="development", cors_origins=())


def exposed(response: httpx.Response) -> set[str]:
    header = response.headers.get("access-control-expose-headers", "")
    return {name.strip().lower() for name in header.split(",") if name.strip()}


@pytest.mark.parametrize("origin", VITE)
async def test_preflight_from_vite_is_allowed_in_development(client: httpx.AsyncClient, origin):
    response = await client.options(
        "/auth/login",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization, x-request-id",
        },
    )
    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == origin
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "x-request-id" in allowed


async def test_a_cross_origin_request_can_read_the_rate_limit_and_request_id_headers(
    client: httpx.AsyncClient, make_user
):
    await make_user(Role.OFFICE, username="vite-user")
    response = await client.post(
        "/auth/login",
        json={"username": "vite-user", "password": PASSWORD},
        headers={"Origin": VITE[0]},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == VITE[0]
    assert exposed(response) >= EXPOSED


async def test_a_throttled_cross_origin_login_exposes_retry_after(
    client: httpx.AsyncClient, settings: Settings
):
    wrong = {"username": "nobody-here", "password": "wrong-password-1"}
    for _ in range(settings.limits.login_failures_per_username):
        await client.post("/auth/login", json=wrong, headers={"Origin": VITE[1]})
    refused = await client.post("/auth/login", json=wrong, headers={"Origin": VITE[1]})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "retry-after" in exposed(refused)
    assert refused.headers["access-control-allow-origin"] == VITE[1]


async def test_other_origins_are_not_allowed_in_development(client: httpx.AsyncClient):
    response = await client.options(
        "/auth/login",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers


def test_outside_development_no_origin_is_allowed_by_default(settings: Settings):
    assert settings.replace(environment="production").allowed_origins == ()
    assert settings.allowed_origins == tuple(VITE)
    chosen = settings.replace(cors_origins=("https://app.example",))
    assert chosen.allowed_origins == ("https://app.example",)
    from_env = Settings.from_env({"CORS_ORIGINS": "https://a.example, https://b.example"})
    assert from_env.allowed_origins == ("https://a.example", "https://b.example")


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient, office: Headers):
    seen = set()
    for response in (
        await client.get("/health"),
        await client.get("/customers", headers=office),
        await client.get("/customers"),  # 401
        await client.get("/no-such-path"),  # 404, unrouted
        await client.delete("/health"),  # 405
    ):
        rid = response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid), (response.status_code, rid)
        seen.add(rid)
    assert len(seen) == 5  # a new one per request


@pytest.mark.parametrize("sent", ["client-abc.123:7", "0" * 128])
async def test_a_sane_incoming_request_id_is_echoed(client: httpx.AsyncClient, sent: str):
    response = await client.get("/health", headers={"X-Request-ID": sent})
    assert response.headers["x-request-id"] == sent


@pytest.mark.parametrize("sent", ["", "a" * 129, "has space", "semi;colon", "<script>"])
async def test_an_unusable_incoming_request_id_is_replaced(client: httpx.AsyncClient, sent: str):
    response = await client.get("/health", headers={"X-Request-ID": sent})
    rid = response.headers["x-request-id"]
    assert rid != sent and re.fullmatch(r"[0-9a-f]{32}", rid)
