"""The LLM endpoints through the real app, with the real OpenAI SDK talking to the loopback
fake server: caching, provider errors as problem documents, the per-user rate limit (in
memory, and in Redis when FIELDCRM_TEST_REDIS_URL is set), and what the logs say."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar
from redis.asyncio import Redis

from adapters.cache.redis_cache import RedisCache
from adapters.llm.openai_client import OpenAiLlmClient
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.http.rate_limits import LlmRateLimitMiddleware
from entrypoints.settings import LlmSettings, Settings
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_completed_job, create_customer, create_payment
from tests.http.test_insights import ENVELOPE
from tests.integration.fake_openai import FakeOpenAI, answer, closed_port_url, slow, status
from tests.integration.workers_support import require_redis
from tests.overrides import container_for_tests

RATE_LIMIT = 6
PHONE = "+14155550199"
EMAIL = "ada.secret@example.org"
RATE_LIMIT_NAMESPACE = "fieldcrm:ratelimit"


@pytest.fixture
def settings(database_url: str) -> Settings:
    llm = LlmSettings(
        rate_limit_per_minute=RATE_LIMIT,
        price_prompt_per_1k=Decimal("0.15"),
        price_completion_per_1k=Decimal("0.60"),
    )
    return Settings(
        database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test", llm=llm
    )


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK waits 0.5-8 s between retries; here it need not."""
    monkeypatch.setattr("openai._base_client.INITIAL_RETRY_DELAY", 0.01)


def use_fake(container: Container, base_url: str, **options: Any) -> OpenAiLlmClient:
    """Point the container's LlmClient at `base_url` (before the app is built)."""
    settings: dict[str, Any] = {"timeout_seconds": 0.5, "max_retries": 1, **options}
    client = OpenAiLlmClient(api_key="sk-test", model="gpt-test", base_url=base_url, **settings)
    container.llm_client.override(providers.Object(client))
    return client


@pytest.fixture
async def app(container: Container, fake: FakeOpenAI) -> Litestar:
    use_fake(container, fake.base_url)
    return create_app(container)


async def customer_with_history(client: httpx.AsyncClient, headers: Headers) -> int:
    customer = await create_customer(client, headers, email=EMAIL, phone=PHONE)
    job = await create_completed_job(client, headers, customer["id"])
    await create_payment(client, headers, customer["id"], jobId=job["id"])
    return int(customer["id"])


async def summarize(client: httpx.AsyncClient, headers: Headers, customer_id: int) -> Any:
    return await client.post(f"/customers/{customer_id}/timeline-summary", headers=headers)


async def test_summary_comes_from_the_provider_then_from_cache(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    first = await summarize(client, office, customer_id)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["model"] == fake.model and body["cached"] is False
    assert body["usage"]["promptTokens"] == 120 and body["usage"]["completionTokens"] == 40
    [request] = fake.requests
    assert request["model"] == "gpt-test"
    assert request["response_format"]["json_schema"]["name"] == "TimelineSummary"
    assert "<<<DATA payments>>>" in request["messages"][1]["content"]

    # The same envelope as the offline adapter's, with the provider's tokens and cost.
    assert set(body) == ENVELOPE and body["promptVersion"] == "timeline_summary.v1"
    assert Decimal(body["usage"]["estimatedCost"]) == Decimal("0.042")  # 120 x 0.15 + 40 x 0.60

    second = await summarize(client, office, customer_id)
    assert second.status_code == 200, second.text
    assert second.json()["cached"] is True
    assert second.json()["generationId"] == body["generationId"]
    assert fake.calls == 1  # no new upstream request

    stored = (await client.get(f"/customers/{customer_id}/insights", headers=office)).json()
    [original] = stored["items"]  # the hit adds no row: its generationId names this one
    assert original["id"] == body["generationId"]
    assert (original["model"], original["promptTokens"], original["completionTokens"]) == (
        fake.model,
        120,
        40,
    )
    assert Decimal(original["estimatedCost"]) == Decimal("0.042")


async def test_a_new_payment_makes_a_new_upstream_call(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    assert (await summarize(client, office, customer_id)).status_code == 200
    assert (await summarize(client, office, customer_id)).json()["cached"] is True
    await create_payment(client, office, customer_id, amount="10.00")
    after = await summarize(client, office, customer_id)
    assert after.status_code == 200 and after.json()["cached"] is False
    assert fake.calls == 2
    assert "10.00" in fake.requests[1]["messages"][1]["content"]


async def test_editing_the_customer_makes_a_new_upstream_call(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    assert (await summarize(client, office, customer_id)).status_code == 200
    edited = await client.put(
        f"/customers/{customer_id}",
        json={"name": "Ada King", "notes": "Prefers mornings"},
        headers=office,
    )
    assert edited.status_code == 200, edited.text
    after = await summarize(client, office, customer_id)
    assert after.json()["cached"] is False and fake.calls == 2


async def test_provider_5xx_after_retries_is_a_502(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    fake.script(*[status(500)] * 4)
    response = await summarize(client, office, customer_id)
    assert_problem(response, 502)
    assert fake.calls == 2  # max_retries=1: one retry by the SDK
    fake.script()  # the provider recovers; the failure was not cached
    assert (await summarize(client, office, customer_id)).status_code == 200


async def test_provider_rate_limit_is_a_503_with_retry_after(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    fake.script(*[status(429, retry_after="42")] * 3)
    started = time.perf_counter()
    response = await summarize(client, office, customer_id)
    assert time.perf_counter() - started < 3  # answered at once, not after waiting 42 s
    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "42"
    assert "rate limiting" in body["detail"]


async def test_provider_timeout_is_a_502(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    fake.script(*[slow(3)] * 3)
    response = await summarize(client, office, customer_id)
    body = assert_problem(response, 502)
    assert "timed out" in body["detail"]
    assert fake.calls == 2


async def test_schema_invalid_replies_are_a_502(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    fake.default = lambda _request: answer({"summary": 42})
    body = assert_problem(await summarize(client, office, customer_id), 502)
    assert "schema" in body["detail"]
    assert fake.calls == 2


async def test_provider_unreachable_is_a_502(
    container: Container, office: Headers, client: httpx.AsyncClient
) -> None:
    customer_id = await customer_with_history(client, office)
    other = container_for_tests(container.settings())
    use_fake(other, closed_port_url())
    async with _client(create_app(other)) as down:
        response = await summarize(down, office, customer_id)
    body = assert_problem(response, 502)
    assert "could not be reached" in body["detail"]
    await other.engine().dispose()


async def test_unknown_customer_is_404_without_calling_the_provider(
    client: httpx.AsyncClient, office: Headers, fake: FakeOpenAI
) -> None:
    assert_problem(await summarize(client, office, 999_999), 404)
    assert fake.calls == 0


async def test_llm_endpoints_need_a_token(client: httpx.AsyncClient, fake: FakeOpenAI) -> None:
    response = await client.post("/customers/1/timeline-summary")
    assert response.status_code == 401
    assert fake.calls == 0


async def test_each_allowed_ask_counts_down_and_the_window_is_two_numbers(
    client: httpx.AsyncClient, office: Headers, app: Litestar, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    answers = [await summarize(client, office, customer_id) for _ in range(RATE_LIMIT)]
    assert [int(a.headers["ratelimit-remaining"]) for a in answers] == list(
        range(RATE_LIMIT - 1, -1, -1)
    )
    assert {a.headers["ratelimit-policy"] for a in answers} == {f"{RATE_LIMIT}; w=60"}
    assert all(0 < int(a.headers["ratelimit-reset"]) <= 60 for a in answers)
    assert_problem(await summarize(client, office, customer_id), 429)
    # The store keeps the count and the reset time, not one timestamp per request.
    key = f"{LlmRateLimitMiddleware.__name__}::user:{_user_id(office)}"
    stored = await app.stores.get("llm_rate_limit").get(key)
    assert stored is not None
    count, reset = stored.split()
    assert int(count) == RATE_LIMIT and 0 < int(reset) - time.time() <= 60


async def test_per_user_rate_limit(
    client: httpx.AsyncClient, office: Headers, admin: Headers, fake: FakeOpenAI
) -> None:
    customer_id = await customer_with_history(client, office)
    for _ in range(RATE_LIMIT):
        assert (await summarize(client, office, customer_id)).status_code == 200
    refused = await summarize(client, office, customer_id)
    body = assert_problem(refused, 429)
    assert body["title"] == "Too Many Requests"
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-limit"] == str(RATE_LIMIT)
    # One budget per user for every LLM endpoint.
    other_llm = await client.post(f"/customers/{customer_id}/analyze-sentiment", headers=office)
    assert_problem(other_llm, 429)
    # Another user has their own budget; other endpoints are not limited.
    assert (await summarize(client, admin, customer_id)).status_code == 200
    assert (await client.get(f"/customers/{customer_id}", headers=office)).status_code == 200
    assert fake.calls == 1  # the rest were cache hits


async def test_logs_have_usage_and_cost_but_no_contact_details(
    client: httpx.AsyncClient,
    office: Headers,
    fake: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    customer_id = await customer_with_history(client, office)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        assert (await summarize(client, office, customer_id)).status_code == 200
        assert (await summarize(client, office, customer_id)).status_code == 200
        fake.script(status(500), status(500))
        await create_payment(client, office, customer_id, amount="1.00")
        await summarize(client, office, customer_id)
    everything = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert PHONE not in everything and EMAIL not in everything
    assert PHONE.lstrip("+") not in everything and "ada.secret" not in everything
    llm = [r.getMessage() for r in caplog.records if r.name == "fieldcrm.llm"]
    miss = next(m for m in llm if "cache=miss" in m)
    for part in (f"model={fake.model}", "prompt_tokens=120", "completion_tokens=40"):
        assert part in miss
    assert "latency_ms=" in miss
    assert "est_cost=0.042" in miss  # 120 * 0.15 / 1000 + 40 * 0.60 / 1000
    assert any("cache=hit" in m for m in llm)
    assert any("failed" in m and "500" in m for m in llm)


# --- Redis: cache and rate-limit counters shared by every process ------------------------


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    url = require_redis()
    redis = Redis.from_url(url)
    await _drop(redis, f"{RATE_LIMIT_NAMESPACE}:*")
    yield url
    await _drop(redis, f"{RATE_LIMIT_NAMESPACE}:*")
    await redis.aclose()


async def _drop(redis: Redis, pattern: str) -> None:
    keys = [key async for key in redis.scan_iter(match=pattern)]
    if keys:
        await redis.delete(*keys)


def _client(app: Litestar) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _redis_container(settings: Settings, redis_url: str, fake: FakeOpenAI) -> Container:
    """Another "process": its own container and app, the same database, Redis and provider."""
    container = container_for_tests(settings.replace(redis_url=redis_url))
    use_fake(container, fake.base_url)
    return container


async def test_redis_backed_cache_and_rate_limit_are_shared_between_processes(
    client: httpx.AsyncClient,
    office: Headers,
    settings: Settings,
    fake: FakeOpenAI,
    redis_url: str,
) -> None:
    customer_id = await customer_with_history(client, office)
    prefix = f"fieldcrm-test:{uuid.uuid4().hex}:"
    first, second = (_redis_container(settings, redis_url, fake) for _ in range(2))
    for container in (first, second):
        container.cache.override(providers.Object(RedisCache(_redis_of(container), prefix=prefix)))
    one, two = create_app(first), create_app(second)
    assert isinstance(one.stores.get("llm_rate_limit"), type(two.stores.get("llm_rate_limit")))
    assert type(one.stores.get("llm_rate_limit").primary).__name__ == "RedisStore"
    redis = _redis_of(first)
    try:
        async with _client(one) as c1, _client(two) as c2:
            assert (await summarize(c1, office, customer_id)).json()["cached"] is False
            assert (await summarize(c2, office, customer_id)).json()["cached"] is True
            assert fake.calls == 1  # the second process reused the first one's answer
            assert [k async for k in redis.scan_iter(match=f"{prefix}llm:*")]
            for _ in range(RATE_LIMIT - 2):
                assert (await summarize(c1, office, customer_id)).status_code == 200
            assert_problem(await summarize(c2, office, customer_id), 429)  # shared budget
            counters = [k async for k in redis.scan_iter(match=f"{RATE_LIMIT_NAMESPACE}:*")]
            assert counters == [
                f"{RATE_LIMIT_NAMESPACE}:{LlmRateLimitMiddleware.__name__}::user:"
                f"{_user_id(office)}".encode()
            ]
    finally:
        await _drop(redis, f"{prefix}*")
        for container in (first, second):
            await _redis_of(container).aclose()
            await container.engine().dispose()


@pytest.fixture
async def redis_down_app(settings: Settings, fake: FakeOpenAI) -> AsyncIterator[Litestar]:
    """An app whose REDIS_URL points at a closed port (built before caplog starts)."""
    dead_redis = "redis://" + closed_port_url().removeprefix("http://").split("/")[0] + "/0"
    container = _redis_container(settings, dead_redis, fake)
    yield create_app(container)
    await container.engine().dispose()


async def test_redis_down_degrades_to_misses_and_a_local_rate_limit(
    client: httpx.AsyncClient,
    office: Headers,
    redis_down_app: Litestar,
    fake: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    customer_id = await customer_with_history(client, office)
    async with _client(redis_down_app) as down:
        with caplog.at_level(logging.WARNING):
            started = time.perf_counter()
            statuses = [
                (await summarize(down, office, customer_id)).status_code
                for _ in range(RATE_LIMIT + 1)
            ]
            elapsed = time.perf_counter() - started
    assert statuses == [200] * RATE_LIMIT + [429]  # still limited, per process
    assert fake.calls == RATE_LIMIT  # no cache: every allowed request went upstream
    assert elapsed < 5
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "cache read failed" in messages and "rate-limit store failed" in messages


def _redis_of(container: Container) -> Redis:
    redis = container.redis()
    assert redis is not None
    return redis


def _user_id(headers: Headers) -> int:
    token = headers["Authorization"].split()[1]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return int(claims["sub"])
