"""Asking the LLM: cache by (template, model, grounding), single-flight, checks, cost log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec

from application.llm.errors import LlmUnavailable
from application.llm.grounding import fingerprint
from application.llm.templates import load_template
from application.ports.cache import Cache
from application.ports.llm import AnswerSpec, GenerationOptions, LlmClient, Prompt, Usage

T = TypeVar("T")
log = logging.getLogger("fieldcrm.llm")


@dataclass(frozen=True, slots=True)
class Prices:
    """Price per 1,000 tokens, for the cost estimate in the logs."""

    prompt_per_1k: Decimal = Decimal(0)
    completion_per_1k: Decimal = Decimal(0)

    def cost(self, usage: Usage) -> Decimal:
        return (
            self.prompt_per_1k * usage.prompt_tokens
            + self.completion_per_1k * usage.completion_tokens
        ) / 1000


@dataclass(frozen=True, slots=True)
class Insight(Generic[T]):
    """An answer with where it came from: the model, whether cached, and the usage."""

    answer: T
    model: str
    cached: bool
    usage: Usage | None
    grounding_hash: str
    degraded: bool = False


class _Cached(msgspec.Struct):
    answer: msgspec.Raw
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


class LlmGateway:
    """The one way use cases ask the model. Answers are reused exactly while the grounding
    data is unchanged; concurrent identical questions share one upstream call."""

    def __init__(
        self,
        client: LlmClient,
        cache: Cache,
        ttl_seconds: int,
        prices: Prices | None = None,
        fallback: LlmClient | None = None,
    ) -> None:
        self._client = client
        self._cache = cache
        self._ttl = ttl_seconds
        self._prices = prices or Prices()
        self._fallback = fallback
        self._in_flight: dict[str, asyncio.Future[Insight[Any]]] = {}

    async def ask(
        self,
        template_key: str,
        values: Mapping[str, str],
        grounding: Mapping[str, Any],
        spec: AnswerSpec[T],
        check: Callable[[T], T] = lambda answer: answer,
        options: GenerationOptions | None = None,
    ) -> Insight[T]:
        """Render the template, then answer from cache or from the model (checked by `check`)."""
        template = load_template(template_key)
        system, user = template.render(values)
        grounding_hash = fingerprint({"grounding": grounding, "system": system, "user": user})
        key = f"llm:{template.key}:{self._client.model}:{grounding_hash}"
        running = self._in_flight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Insight[Any]] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            prompt = Prompt(template.key, system, user, grounding)
            insight = await self._answer(key, prompt, spec, check, options, grounding_hash)
            future.set_result(insight)
            return insight
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody is warned twice
            raise
        finally:
            del self._in_flight[key]

    async def _answer(
        self,
        key: str,
        prompt: Prompt,
        spec: AnswerSpec[T],
        check: Callable[[T], T],
        options: GenerationOptions | None,
        grounding_hash: str,
    ) -> Insight[T]:
        hit = await self._cache.get(key)
        if hit is not None:
            cached = msgspec.json.decode(hit, type=_Cached)
            answer = spec.decode(bytes(cached.answer))
            log.info("llm task=%s model=%s cache=hit", prompt.task, cached.model)
            return Insight(answer, cached.model, True, None, grounding_hash)
        options = options or GenerationOptions()
        try:
            reply = await self._client.complete(prompt, spec, options)
        except LlmUnavailable:
            if self._fallback is None:
                raise
            log.warning("llm task=%s provider unavailable; answering offline", prompt.task)
            reply = await self._fallback.complete(prompt, spec, options)
            answer = check(reply.answer)
            return Insight(answer, reply.usage.model, False, reply.usage, grounding_hash, True)
        answer = check(reply.answer)
        usage = reply.usage
        log.info(
            "llm task=%s model=%s cache=miss prompt_tokens=%d completion_tokens=%d "
            "latency_ms=%.0f est_cost=%s",
            prompt.task,
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.latency_ms,
            self._prices.cost(usage),
        )
        entry = _Cached(
            msgspec.Raw(msgspec.json.encode(answer)),
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.latency_ms,
        )
        await self._cache.set(key, msgspec.json.encode(entry), self._ttl)
        return Insight(answer, usage.model, False, usage, grounding_hash)
