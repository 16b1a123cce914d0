"""OWASP API2/API4 limits: failed logins per username and per address, the per-user budget
on requests that queue messages, token lifetime, the password policy on updates."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import httpx
import jwt
import pytest
from litestar import Litestar
from redis.asyncio import Redis

from domain.user import Role
from entrypoints.http.app import create_app
from entrypoints.settings import LimitSettings, Settings
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import PASSWORD, Headers, assert_problem
from tests.http.helpers import create_job, follow_up_body, listing
from tests.integration.fake_openai import closed_port_url
from tests.integration.workers_support import require_redis
from tests.overrides import container_for_tests

LOGIN_NAMESPACE = "fieldcrm:loginlimit"
PER_USERNAME, PER_ADDRESS, MESSAGES_PER_MINUTE = 3, 7, 2
WINDOW = 600


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(
        jwt_expiry_minutes=7,
        limits=LimitSettings(
            login_window_seconds=WINDOW,
            login_failures_per_username=PER_USERNAME,
            login_failures_per_address=PER_ADDRESS,
            message_rate_limit_per_minute=MESSAGES_PER_MINUTE,
        ),
    )


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"username": username, "password": password})


def assert_throttled(response: httpx.Response) -> int:
    assert_problem(response, 429)
    wait = int(response.headers["retry-after"])
    assert 0 < wait <= WINDOW
    return wait


# --- failed logins -------------------------------------------------------------------------


async def test_too_many_failures_lock_the_username_even_for_the_right_password(
    client: httpx.AsyncClient, admin: Headers, make_user: Callable[..., Awaitable[Headers]]
):
    for _ in range(PER_USERNAME):
        assert_problem(await login(client, "admin-user", "wrong-password-1"), 401)
    assert_throttled(await login(client, "admin-user", PASSWORD))
    assert_throttled(await login(client, "ADMIN-user ", PASSWORD))  # same name, other spelling
    # Other users (from the same address, still under its limit) log in as usual.
    await make_user(Role.OFFICE)


async def test_a_successful_login_clears_the_usernames_failures(
    client: httpx.AsyncClient, admin: Headers
):
    for _ in range(PER_USERNAME - 1):
        assert_problem(await login(client, "admin-user", "wrong-password-1"), 401)
    assert (await login(client, "admin-user", PASSWORD)).status_code == 200
    for _ in range(PER_USERNAME - 1):
        assert_problem(await login(client, "admin-user", "wrong-password-1"), 401)
    assert (await login(client, "admin-user", PASSWORD)).status_code == 200


async def test_too_many_failures_from_one_address_lock_every_username_from_it(
    client: httpx.AsyncClient, admin: Headers
):
    for n in range(PER_ADDRESS):  # one guess per username: each stays under its own limit
        assert_problem(await login(client, f"guess-{n}", "wrong-password-1"), 401)
    assert_throttled(await login(client, "admin-user", PASSWORD))


@pytest.fixture
async def redis_down_app(settings: Settings) -> AsyncIterator[Litestar]:
    """An app whose REDIS_URL points at a closed port (built before caplog starts)."""
    dead = "redis://" + closed_port_url().removeprefix("http://").split("/")[0] + "/0"
    container = container_for_tests(settings.replace(redis_url=dead))
    yield create_app(container)
    await container.engine().dispose()


async def test_a_redis_that_is_down_falls_back_to_counting_in_memory(
    redis_down_app: Litestar, caplog: pytest.LogCaptureFixture
):
    async with _client(redis_down_app) as client:
        with caplog.at_level(logging.WARNING):
            statuses = [
                (await login(client, "nobody", "wrong-password-1")).status_code
                for _ in range(PER_USERNAME + 1)
            ]
    assert statuses == [401] * PER_USERNAME + [429]
    assert "login throttle store failed" in caplog.text


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    url = require_redis()
    redis = Redis.from_url(url)
    await _drop(redis)
    yield url
    await _drop(redis)
    await redis.aclose()


async def _drop(redis: Redis) -> None:
    keys = [key async for key in redis.scan_iter(match=f"{LOGIN_NAMESPACE}:*")]
    if keys:
        await redis.delete(*keys)


def _client(app: Litestar) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_with_redis_every_process_shares_the_failure_counts(
    settings: Settings, redis_url: str, admin: Headers
):
    containers = [container_for_tests(settings.replace(redis_url=redis_url)) for _ in range(2)]
    one, two = (create_app(container) for container in containers)
    try:
        async with _client(one) as first, _client(two) as second:
            for n in range(PER_USERNAME):
                client = first if n % 2 == 0 else second
                assert_problem(await login(client, "admin-user", "wrong-password-1"), 401)
            assert_throttled(await login(second, "admin-user", PASSWORD))
            assert_throttled(await login(first, "admin-user", PASSWORD))
        redis = Redis.from_url(redis_url)
        keys = [key.decode() async for key in redis.scan_iter(match=f"{LOGIN_NAMESPACE}:*")]
        await redis.aclose()
        assert keys and not any("admin-user" in key for key in keys)  # usernames hashed
    finally:
        for container in containers:
            redis_client = container.redis()
            if redis_client is not None:
                await redis_client.aclose()
            await container.engine().dispose()


# --- requests that queue messages ----------------------------------------------------------


async def test_follow_ups_that_queue_messages_have_a_per_user_budget(
    client: httpx.AsyncClient, office: Headers, make_user: Callable[..., Awaitable[Headers]]
):
    job = await create_job(client, office)
    body = follow_up_body(job["id"], message={"body": "How did the repair go?"})
    for _ in range(MESSAGES_PER_MINUTE):
        response = await client.post("/follow-ups", json=body, headers=office)
        assert response.status_code == 201, response.text
    before = await listing(client, "/messages", office)
    refused = await client.post("/follow-ups", json=body, headers=office)
    assert_problem(refused, 429)
    assert int(refused.headers["retry-after"]) > 0
    assert await listing(client, "/messages", office) == before  # nothing queued
    other = await make_user(Role.ADMIN, username="other-office")
    assert (await client.post("/follow-ups", json=body, headers=other)).status_code == 201


# --- tokens and passwords ------------------------------------------------------------------


async def test_tokens_expire_after_jwt_expiry_minutes(client: httpx.AsyncClient, admin: Headers):
    response = await login(client, "admin-user", PASSWORD)
    assert response.json()["expiresIn"] == 7 * 60
    claims = jwt.decode(
        response.json()["accessToken"],
        TEST_JWT_SECRET,
        algorithms=["HS256"],
        audience="fieldcrm-api",
    )
    lifetime = datetime.fromtimestamp(claims["exp"]) - datetime.fromtimestamp(claims["iat"])
    assert lifetime.total_seconds() == pytest.approx(7 * 60, abs=2)


async def test_weak_password_on_update_is_refused_and_the_old_one_still_works(
    client: httpx.AsyncClient, admin: Headers, make_user: Callable[..., Awaitable[Headers]]
):
    await make_user(Role.OFFICE, username="changing")
    users = (await client.get("/users", headers=admin)).json()["items"]
    user_id = next(u["id"] for u in users if u["username"] == "changing")
    response = await client.put(f"/users/{user_id}", json={"password": "short"}, headers=admin)
    assert_problem(response, 400, "password")
    assert (await login(client, "changing", PASSWORD)).status_code == 200
