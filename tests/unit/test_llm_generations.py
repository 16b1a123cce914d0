"""The gateway stores every answer: a fresh one with its tokens and cost, a cache hit and a
single-flight joiner as repeats pointing at it, under the asker set by the use case; a
store that fails still answers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.cache.memory import MemoryCache
from application.access import Actor
from application.insights.generation_retention import prune_generations
from application.llm.asking import asking_about
from application.llm.gateway import LlmGateway, Prices
from application.ports.generations import Generation, GenerationPage
from domain.user import Role
from tests.fakes import FakeClock
from tests.unit.test_llm_gateway import CountingClient, ask, facts

NOW = datetime(2030, 1, 7, 15, tzinfo=UTC)
OFFICE = Actor(user_id=7, role=Role.OFFICE)


class MemoryGenerationLog:
    """The GenerationLog port in memory (the SQL one is exercised through the HTTP tests)."""

    def __init__(self) -> None:
        self.rows: list[Generation] = []
        self.broken = False

    async def add(self, generation: Generation) -> int:
        if self.broken:
            raise ConnectionError("database down")
        stored = replace(generation, id=len(self.rows) + 1)
        self.rows.append(stored)
        assert stored.id is not None
        return stored.id

    async def for_customer(
        self, customer_id: int, tasks: frozenset[str], limit: int, offset: int
    ) -> GenerationPage:
        found = [g for g in reversed(self.rows) if g.customer_id == customer_id and g.task in tasks]
        return GenerationPage(found[offset : offset + limit], len(found))

    async def prune(self, older_than: datetime) -> int:
        before = len(self.rows)
        self.rows = [g for g in self.rows if g.created_at >= older_than]
        return before - len(self.rows)


@pytest.fixture
def log() -> MemoryGenerationLog:
    return MemoryGenerationLog()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def gateway(client: CountingClient, log: MemoryGenerationLog, clock: FakeClock) -> LlmGateway:
    prices = Prices(Decimal("0.15"), Decimal("0.60"))
    return LlmGateway(client, MemoryCache(), 3600, prices, clock=clock, generations=log)


@pytest.fixture
def client() -> CountingClient:
    return CountingClient()


async def test_a_fresh_answer_is_stored_with_its_asker_tokens_and_cost(
    gateway: LlmGateway, log: MemoryGenerationLog
) -> None:
    asking_about(OFFICE, customer_id=1, job_id=10)
    insight = await ask(gateway, facts())
    [stored] = log.rows
    assert insight.generation_id == stored.id and insight.generated_at == NOW
    assert (stored.task, stored.prompt_version) == ("timeline_summary", "timeline_summary.v1")
    assert (stored.customer_id, stored.job_id, stored.asked_by) == (1, 10, 7)
    assert (stored.prompt_tokens, stored.completion_tokens) == (1000, 500)
    assert stored.estimated_cost == Decimal("0.45") == insight.estimated_cost
    assert stored.sources == ("customer:1", "job:10", "job:999") == insight.sources
    assert stored.grounding_hash == insight.grounding_hash and not stored.cached
    assert b"Ada has one completed fridge repair." in stored.result


async def test_a_cache_hit_is_stored_as_a_repeat_of_the_original(
    gateway: LlmGateway, log: MemoryGenerationLog, clock: FakeClock
) -> None:
    asking_about(OFFICE, customer_id=1)
    first = await ask(gateway, facts())
    clock.advance(timedelta(hours=1))
    asking_about(Actor(user_id=8, role=Role.ADMIN), customer_id=1)
    second = await ask(gateway, facts())
    assert second.cached and second.generation_id == first.generation_id
    assert second.generated_at == first.generated_at == NOW  # the original's time
    original, hit = log.rows
    assert (hit.cached, hit.repeats_id, hit.asked_by) == (True, original.id, 8)
    assert (hit.prompt_tokens, hit.estimated_cost, hit.created_at) == (
        0,
        Decimal(0),
        NOW + timedelta(hours=1),
    )


async def test_callers_sharing_one_upstream_call_are_each_stored(
    gateway: LlmGateway, client: CountingClient, log: MemoryGenerationLog
) -> None:
    client.gate = asyncio.Event()
    asking_about(OFFICE, customer_id=1)
    first = asyncio.ensure_future(ask(gateway, facts()))
    second = asyncio.ensure_future(ask(gateway, facts()))
    await asyncio.sleep(0)
    client.gate.set()
    a, b = await asyncio.gather(first, second)
    assert client.calls == 1 and a.generation_id == b.generation_id
    original, joiner = log.rows
    assert (original.cached, joiner.cached, joiner.repeats_id) == (False, True, original.id)


async def test_a_store_that_fails_still_answers(
    gateway: LlmGateway, log: MemoryGenerationLog
) -> None:
    log.broken = True
    insight = await ask(gateway, facts())
    assert insight.generation_id is None and insight.answer.summary


async def test_pruning_keeps_what_is_within_the_retention(
    log: MemoryGenerationLog, gateway: LlmGateway, clock: FakeClock
) -> None:
    await ask(gateway, facts())
    clock.advance(timedelta(days=31))
    await ask(gateway, facts(jobs=[]))
    assert await prune_generations(log, clock, 30) == 1
    assert [g.created_at for g in log.rows] == [NOW + timedelta(days=31)]
    with pytest.raises(ValueError, match="retention_days"):
        await prune_generations(log, clock, 0)
