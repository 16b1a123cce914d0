"""LlmClient over any OpenAI-compatible server, with the official SDK's retries and timeouts."""

from __future__ import annotations

import time
from typing import TypeVar

import openai
from openai import AsyncOpenAI

from application.llm.errors import LlmInvalidReply, LlmRateLimited, LlmUnavailable
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt, Usage

T = TypeVar("T")
INVALID_REPLY_ATTEMPTS = 2  # a reply that does not validate is asked for once more


def _retry_after(error: openai.APIStatusError) -> int | None:
    raw = error.response.headers.get("retry-after")
    try:
        return max(1, int(float(raw))) if raw else None
    except ValueError:
        return None


class OpenAiLlmClient:
    """Chat completions with `response_format` = the answer's JSON Schema (strict)."""

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_seconds: float = 20.0,
        max_retries: int = 2,
    ) -> None:
        self._model = model
        self._client = AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def model(self) -> str:
        return self._model

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        last_error: LlmInvalidReply | None = None
        for _ in range(INVALID_REPLY_ATTEMPTS):
            started = time.perf_counter()
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
            latency_ms = (time.perf_counter() - started) * 1000
            choice = response.choices[0] if response.choices else None
            content = choice.message.content if choice is not None else None
            if not content:
                last_error = LlmInvalidReply("the LLM reply was empty")
                continue
            raw = content.encode()
            try:
                answer = spec.decode(raw)
            except LlmInvalidReply as exc:
                last_error = exc
                continue
            usage = response.usage
            return LlmReply(
                answer=answer,
                raw=raw,
                usage=Usage(
                    model=response.model or self._model,
                    prompt_tokens=usage.prompt_tokens if usage else 0,
                    completion_tokens=usage.completion_tokens if usage else 0,
                    latency_ms=latency_ms,
                ),
            )
        assert last_error is not None
        raise last_error
