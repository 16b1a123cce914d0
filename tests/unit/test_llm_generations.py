"""The gateway stores every answer it produces, with its tokens and cost, under the asker
set by the use case; a cache hit, a versioned recall and a single-flight joiner add no row
and name the stored original; a store that fails still answers."""

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
from application.pagination import ListQuery, SortKey
from application.ports.generations import Generation, GenerationPage
from domain.user import Role
from tests.fakes import FakeClock
from tests.unit.test_llm_gateway import SPEC, TEMPLATE, CountingClient, ask, facts

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
        self, customer_id: int, tasks: frozenset[str], query: ListQuery
    ) -> GenerationPage:
        found = [g for g in self.rows if g.customer_id == customer_id and g.task in tasks]
        found.sort(key=lambda g: (g.created_at, g.id or 0), reverse=True)  # ties newest first
        for key in reversed(query.sort):  # stable sorts, last key first
            found.sort(key=lambda g: getattr(g, key.field), reverse=key.descending)
        return GenerationPage(found[query.offset : query.offset + query.limit], len(found))

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
    assert stored.grounding_hash == insight.grounding_hash and not insight.cached
    assert b"Ada has one completed fridge repair." in stored.result


async def test_a_cache_hit_names_the_stored_original_and_adds_no_row_new_data_does(
    gateway: LlmGateway, client: CountingClient, log: MemoryGenerationLog, clock: FakeClock
) -> None:
    asking_about(OFFICE, customer_id=1)
    first = await ask(gateway, facts())
    clock.advance(timedelta(hours=1))
    asking_about(Actor(user_id=8, role=Role.ADMIN), customer_id=1)
    second = await ask(gateway, facts())
    assert client.calls == 1 and second.cached and not first.cached
    assert second.generation_id == first.generation_id is not None
    assert second.generated_at == first.generated_at == NOW  # the original's time
    [original] = log.rows
    assert (original.id, original.asked_by, original.created_at) == (first.generation_id, 7, NOW)
    changed = await ask(gateway, facts(jobs=[]))  # new data: a new answer, a new row
    assert client.calls == 2 and not changed.cached
    assert [g.id for g in log.rows] == [first.generation_id, changed.generation_id]


async def test_a_versioned_recall_names_the_stored_original_and_adds_no_row(
    gateway: LlmGateway, client: CountingClient, log: MemoryGenerationLog, clock: FakeClock
) -> None:
    asking_about(OFFICE, customer_id=1)
    first = await ask(gateway, facts(), remember_as="customer:1@v1")
    clock.advance(timedelta(minutes=5))
    recalled = await gateway.recall(TEMPLATE, "customer:1@v1", SPEC)
    assert recalled is not None and recalled.cached
    assert (recalled.generation_id, recalled.generated_at) == (first.generation_id, NOW)
    assert client.calls == 1 and len(log.rows) == 1
    assert await gateway.recall(TEMPLATE, "customer:1@v2", SPEC) is None


async def test_the_log_lists_newest_first_or_by_the_given_keys(
    log: MemoryGenerationLog,
) -> None:
    base = Generation(
        task="sentiment",
        prompt_version="sentiment.v1",
        customer_id=1,
        job_id=None,
        model="offline",
        grounding_hash="h",
        sources=(),
        result=b"{}",
        prompt_tokens=0,
        completion_tokens=0,
        estimated_cost=Decimal(0),
        latency_ms=0.0,
        degraded=False,
        asked_by=7,
        created_at=NOW,
    )
    for task, minutes in [("sentiment", 0), ("greeting", 1), ("sentiment", 2)]:
        await log.add(replace(base, task=task, created_at=NOW + timedelta(minutes=minutes)))
    tasks = frozenset({"sentiment", "greeting"})
    newest = await log.for_customer(1, tasks, ListQuery(10, 0))
    assert [g.id for g in newest.items] == [3, 2, 1]
    by_task = await log.for_customer(1, tasks, ListQuery(10, 0, sort=(SortKey("task", False),)))
    assert [g.id for g in by_task.items] == [2, 3, 1]  # ties newest first
    oldest = await log.for_customer(
        1, tasks, ListQuery(10, 0, sort=(SortKey("created_at", False),))
    )
    assert [g.id for g in oldest.items] == [1, 2, 3]


async def test_callers_sharing_one_upstream_call_share_one_row(
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
    [original] = log.rows
    assert original.id == a.generation_id


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
