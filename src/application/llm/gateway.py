"""Asking the LLM: cache by (template, model, grounding), single-flight, checks, cost log."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

import msgspec

from application.llm.errors import LlmInvalidReply, LlmRateLimited, LlmUnavailable
from application.llm.grounding_blocks import fingerprint
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


class _Remembered(msgspec.Struct):
    """An answer stored under a data version (see `LlmGateway.recall`)."""

    answer: msgspec.Raw
    model: str
    grounding_hash: str


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
        self._in_flight: dict[str, asyncio.Task[Insight[Any]]] = {}

    def cache_key(self, template_key: str, grounding_hash: str) -> str:
        """Template name and version, the model, and the hash of grounding data and prompt."""
        return f"llm:{template_key}:{self._client.model}:{grounding_hash}"

    def remembered_key(self, template_key: str, subject: str) -> str:
        """Template, model and a versioned subject (`customer:12:v7:...`): no grounding."""
        return f"llm:{template_key}:{self._client.model}:{subject}"

    async def recall(
        self, template_key: str, subject: str, spec: AnswerSpec[T]
    ) -> Insight[T] | None:
        """The answer `ask(..., remember_as=subject)` stored, or None: one cache read, no
        prompt and no grounding. `subject` must name the version of every record the
        grounding was built from, so a change to any of them is a miss."""
        started = time.perf_counter()
        hit = await self._cache.get(self.remembered_key(template_key, subject))
        if hit is None:
            return None
        try:
            entry = msgspec.json.decode(hit, type=_Remembered)
            answer = spec.decode(bytes(entry.answer))
        except (msgspec.MsgspecError, LlmInvalidReply) as exc:
            log.warning(
                "llm task=%s unusable remembered entry, asking again: %s", template_key, exc
            )
            return None
        latency_ms = (time.perf_counter() - started) * 1000
        self._log(template_key, entry.model, "hit", Usage(entry.model, 0, 0, latency_ms))
        return Insight(answer, entry.model, True, None, entry.grounding_hash)

    async def ask(
        self,
        template_key: str,
        values: Mapping[str, str],
        grounding: Mapping[str, Any],
        spec: AnswerSpec[T],
        check: Callable[[T], T] = lambda answer: answer,
        options: GenerationOptions | None = None,
        remember_as: str | None = None,
    ) -> Insight[T]:
        """Render the template, then answer from cache or from the model (checked by `check`).

        Identical concurrent questions (same key) share one task: the upstream call runs on
        even if the caller that started it goes away, and its result or error reaches every
        caller waiting for it. Only checked answers are cached; with `remember_as` the
        answer (not a degraded one) is also stored for `recall(template_key, remember_as)`.
        """
        template = load_template(template_key)
        system, user = template.render(values)
        grounding_hash = fingerprint({"grounding": grounding, "system": system, "user": user})
        key = self.cache_key(template.key, grounding_hash)
        task = self._in_flight.get(key)
        if task is None:
            prompt = Prompt(template.key, system, user, grounding)
            task = asyncio.ensure_future(
                self._answer(key, prompt, spec, check, options, grounding_hash)
            )
            self._in_flight[key] = task
            task.add_done_callback(functools.partial(self._finished, key))
        insight = cast("Insight[T]", await asyncio.shield(task))
        if remember_as is not None and not insight.degraded:
            entry = _Remembered(
                msgspec.Raw(msgspec.json.encode(insight.answer)), insight.model, grounding_hash
            )
            key = self.remembered_key(template.key, remember_as)
            await self._cache.set(key, msgspec.json.encode(entry), self._ttl)
        return insight

    def _finished(self, key: str, task: asyncio.Task[Insight[Any]]) -> None:
        if self._in_flight.get(key) is task:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved: callers re-raise it; no "never retrieved" warning

    async def _cached(self, key: str, prompt: Prompt, spec: AnswerSpec[T]) -> tuple[T, str] | None:
        """The cached answer, or None; an entry that no longer decodes counts as a miss."""
        hit = await self._cache.get(key)
        if hit is None:
            return None
        try:
            entry = msgspec.json.decode(hit, type=_Cached)
            return spec.decode(bytes(entry.answer)), entry.model
        except (msgspec.MsgspecError, LlmInvalidReply) as exc:
            log.warning("llm task=%s unusable cache entry, asking again: %s", prompt.task, exc)
            return None

    async def _answer(
        self,
        key: str,
        prompt: Prompt,
        spec: AnswerSpec[T],
        check: Callable[[T], T],
        options: GenerationOptions | None,
        grounding_hash: str,
    ) -> Insight[T]:
        started = time.perf_counter()
        hit = await self._cached(key, prompt, spec)
        if hit is not None:
            answer, model = hit
            latency_ms = (time.perf_counter() - started) * 1000
            self._log(prompt.task, model, "hit", Usage(model, 0, 0, latency_ms))
            return Insight(answer, model, True, None, grounding_hash)
        options = options or GenerationOptions()
        try:
            reply = await self._client.complete(prompt, spec, options)
        except (LlmUnavailable, LlmRateLimited) as exc:
            if self._fallback is None:
                log.warning("llm task=%s model=%s failed: %s", prompt.task, self._client.model, exc)
                raise
            log.warning("llm task=%s provider failed (%s); answering offline", prompt.task, exc)
            reply = await self._fallback.complete(prompt, spec, options)
            answer = check(reply.answer)
            self._log(prompt.task, reply.usage.model, "miss", reply.usage, degraded=True)
            return Insight(answer, reply.usage.model, False, reply.usage, grounding_hash, True)
        answer = check(reply.answer)
        usage = reply.usage
        self._log(prompt.task, usage.model, "miss", usage)
        entry = _Cached(
            msgspec.Raw(msgspec.json.encode(answer)),
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.latency_ms,
        )
        await self._cache.set(key, msgspec.json.encode(entry), self._ttl)
        return Insight(answer, usage.model, False, usage, grounding_hash)

    def _log(self, task: str, model: str, cache: str, usage: Usage, degraded: bool = False) -> None:
        """One line per answer: model, tokens, latency, cache hit/miss and estimated cost."""
        log.info(
            "llm task=%s model=%s cache=%s degraded=%s prompt_tokens=%d completion_tokens=%d "
            "latency_ms=%.1f est_cost=%s",
            task,
            model,
            cache,
            str(degraded).lower(),
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.latency_ms,
            self._prices.cost(usage),
        )
