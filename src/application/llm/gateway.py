"""Asking the LLM: cache by (template, model, grounding), single-flight, checks, cost log,
and a stored generation for every answer given (`GenerationLog`)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

import msgspec

from application.llm.asking import current_asking
from application.llm.citations import cited_sources
from application.llm.errors import LlmInvalidReply, LlmRateLimited, LlmUnavailable
from application.llm.grounding_blocks import fingerprint
from application.llm.templates import load_template
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.generations import Generation, GenerationLog
from application.ports.llm import AnswerSpec, GenerationOptions, LlmClient, Prompt, Usage
from application.ports.llm_meter import LlmMeter

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
    """An answer with where it came from: the model, whether cached, and the usage.

    `prompt_version` is the template key (`sentiment.v1`); `generated_at` when the answer
    was first generated (a cache hit keeps the original's); `sources` the record ids it
    cites; `generation_id` the stored generation holding this answer (a hit: the one it
    repeats); `language_fallback` "en" when the customer's language is not supported and
    the text is English instead.
    """

    answer: T
    model: str
    cached: bool
    usage: Usage | None
    grounding_hash: str
    degraded: bool = False
    prompt_version: str = ""
    generated_at: datetime | None = None
    sources: tuple[str, ...] = ()
    generation_id: int | None = None
    estimated_cost: Decimal = Decimal(0)
    language_fallback: str | None = None


class _Cached(msgspec.Struct):
    answer: msgspec.Raw
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    generated_at: datetime | None = None
    generation_id: int | None = None


class _Remembered(msgspec.Struct):
    """An answer stored under a data version (see `LlmGateway.recall`)."""

    answer: msgspec.Raw
    model: str
    grounding_hash: str
    generated_at: datetime | None = None
    generation_id: int | None = None  # the stored generation this answer repeats


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
        meter: LlmMeter | None = None,
        *,
        clock: Clock | None = None,
        generations: GenerationLog | None = None,
    ) -> None:
        self._client = client
        self._meter = meter
        self._cache = cache
        self._ttl = ttl_seconds
        self._prices = prices or Prices()
        self._fallback = fallback
        self._clock = clock
        self._generations = generations
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
            if entry.generated_at is None:  # written before generations were stored
                return None
            answer = spec.decode(bytes(entry.answer))
        except (msgspec.MsgspecError, LlmInvalidReply) as exc:
            log.warning(
                "llm task=%s unusable remembered entry, asking again: %s", template_key, exc
            )
            return None
        latency_ms = (time.perf_counter() - started) * 1000
        self._log(template_key, entry.model, "hit", Usage(entry.model, 0, 0, latency_ms))
        return Insight(
            answer,
            entry.model,
            True,
            None,
            entry.grounding_hash,
            prompt_version=template_key,
            generated_at=entry.generated_at,
            sources=cited_sources(answer),
            generation_id=entry.generation_id,
        )

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
                msgspec.Raw(msgspec.json.encode(insight.answer)),
                insight.model,
                grounding_hash,
                insight.generated_at,
                insight.generation_id,
            )
            key = self.remembered_key(template.key, remember_as)
            await self._cache.set(key, msgspec.json.encode(entry), self._ttl)
        return insight

    def _finished(self, key: str, task: asyncio.Task[Insight[Any]]) -> None:
        if self._in_flight.get(key) is task:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved: callers re-raise it; no "never retrieved" warning

    async def _cached(
        self, key: str, prompt: Prompt, spec: AnswerSpec[T]
    ) -> tuple[T, _Cached] | None:
        """The cached answer, or None; an entry that no longer decodes counts as a miss."""
        hit = await self._cache.get(key)
        if hit is None:
            return None
        try:
            entry = msgspec.json.decode(hit, type=_Cached)
            if entry.generated_at is None:  # written before generations were stored
                return None
            return spec.decode(bytes(entry.answer)), entry
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
            answer, entry = hit
            latency_ms = (time.perf_counter() - started) * 1000
            self._log(prompt.task, entry.model, "hit", Usage(entry.model, 0, 0, latency_ms))
            insight = Insight(
                answer,
                entry.model,
                True,
                None,
                grounding_hash,
                prompt_version=prompt.task,
                generated_at=entry.generated_at,
                sources=cited_sources(answer),
                generation_id=entry.generation_id,
            )
            return insight  # not stored again: its generation_id names the stored original
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
            degraded = self._fresh(answer, reply.usage, grounding_hash, prompt.task, True)
            return await self._store(degraded, prompt.task)
        answer = check(reply.answer)
        usage = reply.usage
        self._log(prompt.task, usage.model, "miss", usage)
        insight = await self._store(
            self._fresh(answer, usage, grounding_hash, prompt.task, False), prompt.task
        )
        entry = _Cached(
            msgspec.Raw(msgspec.json.encode(answer)),
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.latency_ms,
            insight.generated_at,
            insight.generation_id,
        )
        await self._cache.set(key, msgspec.json.encode(entry), self._ttl)
        return insight

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def _fresh(
        self, answer: T, usage: Usage, grounding_hash: str, template: str, degraded: bool
    ) -> Insight[T]:
        return Insight(
            answer,
            usage.model,
            False,
            usage,
            grounding_hash,
            degraded,
            prompt_version=template,
            generated_at=self._now(),
            sources=cited_sources(answer),
            estimated_cost=self._prices.cost(usage),
        )

    async def _store(self, insight: Insight[T], template: str) -> Insight[T]:
        """Store a fresh answer's generation (only fresh ones: a cache hit or a single-flight
        joiner is served the original's `generation_id`, no row); the insight comes back with
        its `generation_id`. A store that fails is logged and the answer still served:
        accountability must not take the assistant down."""
        if self._generations is None:
            return insight
        asking = current_asking()
        usage = insight.usage
        generation = Generation(
            task=template.rsplit(".", 1)[0],
            prompt_version=template,
            customer_id=asking.customer_id,
            job_id=asking.job_id,
            model=insight.model,
            grounding_hash=insight.grounding_hash,
            sources=insight.sources,
            result=msgspec.json.encode(insight.answer),
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            estimated_cost=insight.estimated_cost,
            latency_ms=usage.latency_ms if usage else 0.0,
            degraded=insight.degraded,
            asked_by=asking.user_id,
            created_at=insight.generated_at or self._now(),
        )
        try:
            stored_id = await self._generations.add(generation)
        except Exception as exc:  # any storage failure: serve the answer, and say so
            log.warning("llm task=%s generation not stored: %s", template, type(exc).__name__)
            return insight
        return replace(insight, generation_id=stored_id)

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
        if self._meter is not None:
            self._meter.answered(
                task,
                cache == "hit",
                degraded,
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.latency_ms,
                self._prices.cost(usage),
            )
