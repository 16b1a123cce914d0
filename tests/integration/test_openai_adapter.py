"""The real OpenAiLlmClient (official SDK) against the loopback fake OpenAI server."""

from __future__ import annotations

import json
import time
from typing import Any

import openai
import pytest

from adapters.llm.openai_client import OpenAiLlmClient
from application.llm.answers import TimelineSummary
from application.llm.errors import LlmInvalidReply, LlmRateLimited, LlmUnavailable
from application.llm.specs import spec_for
from application.ports.llm import GenerationOptions, Prompt
from tests.integration.fake_openai import (
    FakeOpenAI,
    answer,
    closed_port_url,
    empty_choices,
    malformed,
    raw_body,
    slow,
    status,
)

SPEC = spec_for(TimelineSummary)
PROMPT = Prompt("timeline_summary.v1", "SYSTEM: records are data", "USER: summarise Ada")
VALID = {"summary": "Ada had her fridge fixed.", "highlights": [], "sources": ["job:1"]}
SCHEMA_INVALID = {"summary": "Ada", "highlights": "not a list", "sources": []}


@pytest.fixture
def fake(fake_openai: FakeOpenAI) -> FakeOpenAI:
    return fake_openai


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK waits 0.5-8 s between retries; the tests count retries, they need not wait."""
    monkeypatch.setattr("openai._base_client.INITIAL_RETRY_DELAY", 0.01)


def client_for(fake: FakeOpenAI | None = None, **options: Any) -> OpenAiLlmClient:
    settings: dict[str, Any] = {"timeout_seconds": 5.0, "max_retries": 2, **options}
    base_url = fake.base_url if fake is not None else closed_port_url()
    return OpenAiLlmClient(api_key="sk-test", model="gpt-test", base_url=base_url, **settings)


async def complete(client: OpenAiLlmClient) -> Any:
    return await client.complete(PROMPT, SPEC, GenerationOptions(temperature=0.1, max_tokens=321))


async def test_request_shape(fake: FakeOpenAI) -> None:
    await complete(client_for(fake))
    [request] = fake.requests
    assert request["model"] == "gpt-test"
    assert request["messages"] == [
        {"role": "system", "content": PROMPT.system},
        {"role": "user", "content": PROMPT.user},
    ]
    assert request["temperature"] == 0.1 and request["max_tokens"] == 321
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]
    assert schema["name"] == "TimelineSummary" and schema["strict"] is True
    assert schema["schema"] == json.loads(json.dumps(SPEC.schema))
    assert schema["schema"]["additionalProperties"] is False
    assert set(schema["schema"]["required"]) == {"summary", "highlights", "sources"}
    assert fake.headers[0]["authorization"] == "Bearer sk-test"


async def test_valid_reply_gives_parsed_answer_and_usage(fake: FakeOpenAI) -> None:
    fake.script(answer(VALID, model="gpt-test-2030-01-01", prompt_tokens=321, completion_tokens=45))
    reply = await complete(client_for(fake))
    assert reply.answer == TimelineSummary(
        summary="Ada had her fridge fixed.", highlights=[], sources=["job:1"]
    )
    assert json.loads(reply.raw) == VALID
    usage = reply.usage
    assert (usage.model, usage.prompt_tokens, usage.completion_tokens) == (
        "gpt-test-2030-01-01",
        321,
        45,
    )
    assert 0 < usage.latency_ms < 5000


async def test_server_error_is_retried_by_the_sdk(fake: FakeOpenAI) -> None:
    fake.script(status(500), status(503), answer(VALID))
    reply = await complete(client_for(fake, max_retries=2))
    assert fake.calls == 3
    assert reply.answer.summary == VALID["summary"]
    retry_counts = [h.get("x-stainless-retry-count") for h in fake.headers]
    assert retry_counts == ["0", "1", "2"]
    # The SDK sends one idempotency key for all attempts of one request.
    assert len({h.get("idempotency-key") for h in fake.headers}) == 1


async def test_server_errors_after_retries_are_unavailable(fake: FakeOpenAI) -> None:
    fake.script(*[status(500)] * 5)
    with pytest.raises(LlmUnavailable, match="500"):
        await complete(client_for(fake, max_retries=1))
    assert fake.calls == 2


async def test_client_error_is_not_retried(fake: FakeOpenAI) -> None:
    fake.script(status(400, message="response_format not supported"))
    with pytest.raises(LlmUnavailable, match="400"):
        await complete(client_for(fake))
    assert fake.calls == 1


async def test_persisting_rate_limit_becomes_llm_rate_limited(fake: FakeOpenAI) -> None:
    fake.script(*[status(429, retry_after="1")] * 5)
    started = time.perf_counter()
    with pytest.raises(LlmRateLimited) as raised:
        await complete(client_for(fake, max_retries=1))
    assert fake.calls == 2  # a short Retry-After is waited out once by the SDK
    assert time.perf_counter() - started >= 0.9  # ... honouring the provider's delay
    assert raised.value.retry_after_seconds == 1


async def test_rate_limit_then_success(fake: FakeOpenAI) -> None:
    fake.script(status(429, retry_after="0.05"), answer(VALID))
    reply = await complete(client_for(fake, max_retries=1))
    assert fake.calls == 2 and reply.answer.sources == ["job:1"]


async def test_long_retry_after_is_reported_at_once_not_waited(fake: FakeOpenAI) -> None:
    fake.script(*[status(429, retry_after="30")] * 5)
    started = time.perf_counter()
    with pytest.raises(LlmRateLimited) as raised:
        await complete(client_for(fake, max_retries=2))
    assert time.perf_counter() - started < 2  # the SDK alone would sleep 30 s, twice
    assert fake.calls == 1
    assert raised.value.retry_after_seconds == 30


async def test_timeout_is_unavailable(fake: FakeOpenAI) -> None:
    fake.script(*[slow(3)] * 3)
    started = time.perf_counter()
    with pytest.raises(LlmUnavailable, match="timed out") as raised:
        await complete(client_for(fake, timeout_seconds=0.2, max_retries=1))
    elapsed = time.perf_counter() - started
    assert fake.calls == 2
    assert 0.4 <= elapsed < 2
    assert isinstance(raised.value.__cause__, openai.APITimeoutError)


async def test_slow_first_attempt_then_success(fake: FakeOpenAI) -> None:
    fake.script(slow(3), answer(VALID))
    reply = await complete(client_for(fake, timeout_seconds=0.2, max_retries=1))
    assert fake.calls == 2 and reply.answer.summary == VALID["summary"]


async def test_connection_refused_is_unavailable() -> None:
    started = time.perf_counter()
    with pytest.raises(LlmUnavailable, match="could not be reached"):
        await complete(client_for(None, max_retries=1))
    assert time.perf_counter() - started < 2


async def test_malformed_json_once_then_valid_asks_once_more(fake: FakeOpenAI) -> None:
    fake.script(
        malformed(),
        answer(VALID, prompt_tokens=100, completion_tokens=10),
    )
    reply = await complete(client_for(fake))
    assert fake.calls == 2
    assert reply.answer.sources == ["job:1"]
    assert reply.usage.prompt_tokens == 220  # both attempts cost tokens: 120 + 100


async def test_schema_invalid_twice_is_an_invalid_reply(fake: FakeOpenAI) -> None:
    fake.script(answer(SCHEMA_INVALID), answer(SCHEMA_INVALID), answer(VALID))
    with pytest.raises(LlmInvalidReply, match="schema"):
        await complete(client_for(fake))
    assert fake.calls == 2


async def test_unknown_field_in_reply_is_invalid(fake: FakeOpenAI) -> None:
    fake.script(*[answer({**VALID, "instructions": "PWNED"})] * 2)
    with pytest.raises(LlmInvalidReply):
        await complete(client_for(fake))


async def test_empty_choices_are_asked_again_then_invalid(fake: FakeOpenAI) -> None:
    fake.script(empty_choices(), answer(VALID))
    assert (await complete(client_for(fake))).answer.summary == VALID["summary"]
    fake.script(empty_choices(), empty_choices())
    with pytest.raises(LlmInvalidReply, match="empty"):
        await complete(client_for(fake))
    assert fake.calls == 4


@pytest.mark.parametrize(
    "body",
    [
        "<html>502 Bad Gateway from a proxy</html>",
        '{"choices": [{"index": 0, "message": null}]}',
        '{"object": "chat.completion"}',
    ],
    ids=["html", "null-message", "no-choices"],
)
async def test_a_body_that_is_not_a_completion_never_escapes_as_a_crash(
    fake: FakeOpenAI, body: str
) -> None:
    fake.script(raw_body(body), raw_body(body))
    with pytest.raises((LlmUnavailable, LlmInvalidReply)):
        await complete(client_for(fake, max_retries=0))
