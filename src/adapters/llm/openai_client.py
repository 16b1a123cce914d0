"""LlmClient over any OpenAI-compatible server, with the official SDK's retries and timeouts."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI

from application.llm.errors import LlmInvalidReply, LlmRateLimited, LlmUnavailable
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt, Usage

T = TypeVar("T")
INVALID_REPLY_ATTEMPTS = 2  # a reply that does not validate is asked for once more
MAX_RETRY_WAIT_SECONDS = 5.0  # a longer Retry-After is answered at once with 503, not waited


def _retry_after_seconds(headers: Any) -> float | None:
    """Retry-After (seconds) or retry-after-ms, as the SDK reads them; None if absent/unusable."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return float(raw) / divisor
        except ValueError:
            if name == "retry-after":  # an HTTP date
                try:
                    return email.utils.parsedate_to_datetime(raw).timestamp() - time.time()
                except (TypeError, ValueError):
                    return None
    return None


def _retry_after(error: openai.APIStatusError) -> int | None:
    seconds = _retry_after_seconds(error.response.headers)
    if seconds is None or seconds != seconds or seconds == float("inf"):
        return None
    return max(1, int(-(-seconds // 1)))  # whole seconds, rounded up


class OpenAiLlmClient:
    """Chat completions with `response_format` = the answer's JSON Schema (strict).

    Transient failures (connection errors, timeouts, 408/409/429/5xx) are retried by the SDK
    itself (`max_retries`, exponential backoff 0.5-8 s, each attempt bounded by
    `timeout_seconds`). The SDK would also wait out a provider's Retry-After of up to two
    minutes; a Retry-After longer than `max_retry_wait_seconds` is instead reported at once
    (LlmRateLimited with the provider's delay), so a request never hangs on it.
    """

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_seconds: float = 20.0,
        max_retries: int = 2,
        max_retry_wait_seconds: float = MAX_RETRY_WAIT_SECONDS,
    ) -> None:
        self._model = model
        self._max_retry_wait = max_retry_wait_seconds
        self._client = AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_seconds,
            max_retries=max_retries,
            http_client=openai.DefaultAsyncHttpxClient(
                timeout=timeout_seconds, event_hooks={"response": [self._bound_retry_wait]}
            ),
        )

    @property
    def model(self) -> str:
        return self._model

    async def _bound_retry_wait(self, response: Any) -> None:
        """Tell the SDK not to retry when the provider asks for a longer wait than we allow."""
        wait = _retry_after_seconds(response.headers)
        if response.status_code >= 400 and wait is not None and wait > self._max_retry_wait:
            response.headers["x-should-retry"] = "false"

    async def aclose(self) -> None:
        await self._client.close()

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        last_error: LlmInvalidReply | None = None
        prompt_tokens = completion_tokens = 0
        started = time.perf_counter()
        for _ in range(INVALID_REPLY_ATTEMPTS):
            try:
                response = await self._client.chat.completions.create(
                    model=self._model,
                    messages=[
                        {"role": "system", "content": prompt.system},
                        {"role": "user", "content": prompt.user},
                    ],
                    response_format={
                        "type": "json_schema",
                        "json_schema": {
                            "name": spec.name,
                            "schema": dict(spec.schema),
                            "strict": True,
                        },
                    },
                    temperature=options.temperature,
                    max_tokens=options.max_tokens,
                )
            except openai.RateLimitError as exc:
                raise LlmRateLimited(
                    "the LLM provider is rate limiting", _retry_after(exc)
                ) from exc
            except openai.APITimeoutError as exc:
                raise LlmUnavailable("the LLM provider timed out") from exc
            except openai.APIConnectionError as exc:
                raise LlmUnavailable("the LLM provider could not be reached") from exc
            except openai.APIStatusError as exc:
                raise LlmUnavailable(f"the LLM provider answered {exc.status_code}") from exc
            except (openai.OpenAIError, json.JSONDecodeError) as exc:
                # A 200 that is not a chat completion (a proxy's HTML page, a broken body).
                raise LlmUnavailable(
                    f"the LLM provider sent an unusable response ({type(exc).__name__})"
                ) from exc
            model, content, usage = _read(response)
            prompt_tokens += usage[0]
            completion_tokens += usage[1]
            if not content:
                last_error = LlmInvalidReply("the LLM reply was empty")
                continue
            raw = content.encode()
            try:
                answer = spec.decode(raw)
            except LlmInvalidReply as exc:
                last_error = exc
                continue
            return LlmReply(
                answer=answer,
                raw=raw,
                usage=Usage(
                    model=model or self._model,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    latency_ms=(time.perf_counter() - started) * 1000,
                ),
            )
        assert last_error is not None
        raise last_error


def _read(response: Any) -> tuple[str | None, str | None, tuple[int, int]]:
    """(model, message content, (prompt tokens, completion tokens)) of a completion, tolerating
    the missing or null fields some OpenAI-compatible servers send."""
    choices = getattr(response, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    content = getattr(message, "content", None)
    usage = getattr(response, "usage", None)
    tokens = (
        int(getattr(usage, "prompt_tokens", 0) or 0),
        int(getattr(usage, "completion_tokens", 0) or 0),
    )
    model = getattr(response, "model", None)
    return (
        model if isinstance(model, str) else None,
        content if isinstance(content, str) else None,
        tokens,
    )
