"""Insights keyed by the customer's data version: a hit reads the version and the cache,
never the Customer View; a new version (any change to the customer's records) is a miss."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.access import SYSTEM
from application.insights.insight_context import InsightContext
from application.insights.sentiment import analyze_sentiment
from application.insights.timeline import timeline_summary
from domain.errors import NotFound
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import insight_context
from tests.unit.builders import a_customer
from tests.unit.insight_data import a_reviewed_job


class FakeVersions:
    """Data versions by customer id; `bump` stands for any write to the customer's records."""

    def __init__(self) -> None:
        self.versions: dict[int, int] = {}
        self.reads = 0

    def bump(self, customer_id: int) -> None:
        self.versions[customer_id] = self.versions.get(customer_id, 0) + 1

    async def version(self, customer_id: int) -> int | None:
        self.reads += 1
        return self.versions.get(customer_id)


class CountingViews:
    """The Customer View query, counting how often the view is built."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.builds = 0

    async def customer_view(self, customer_id: int, cap: int, uow: Any = None) -> Any:
        self.builds += 1
        return await self._inner.customer_view(customer_id, cap, uow)


def versioned(ctx: InsightContext) -> tuple[InsightContext, FakeVersions, CountingViews]:
    versions, views = FakeVersions(), CountingViews(ctx.views)
    return replace(ctx, versions=versions, views=views), versions, views


USE_CASES = [timeline_summary, analyze_sentiment]


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda f: f.__name__)
async def test_hit_skips_the_view_and_a_new_version_misses(
    db: FakeDatabase, clock: FakeClock, use_case: Any
) -> None:
    customer_id = await a_customer(db, clock)
    await a_reviewed_job(db, clock, customer_id, 5, "Great work")
    ctx, versions, views = versioned(insight_context(db, clock))
    versions.bump(customer_id)

    first = await use_case(SYSTEM, ctx, customer_id)
    assert first.cached is False and views.builds == 1
    second = await use_case(SYSTEM, ctx, customer_id)
    assert second.cached is True and views.builds == 1  # no view for a hit
    assert second.answer == first.answer and second.grounding_hash == first.grounding_hash

    await a_reviewed_job(db, clock, customer_id, 1, "Broke again")
    versions.bump(customer_id)  # what the database's triggers do with that write
    third = await use_case(SYSTEM, ctx, customer_id)
    assert third.cached is False and views.builds == 2
    assert third.grounding_hash != first.grounding_hash


async def test_unknown_customer_is_not_found_without_the_view(
    db: FakeDatabase, clock: FakeClock
) -> None:
    ctx, _, views = versioned(insight_context(db, clock))
    with pytest.raises(NotFound):
        await timeline_summary(SYSTEM, ctx, 404)
    assert views.builds == 0


async def test_the_shop_name_is_part_of_the_key(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    ctx, versions, _ = versioned(insight_context(db, clock))
    versions.bump(customer_id)
    await timeline_summary(SYSTEM, ctx, customer_id)
    renamed = replace(ctx, shop_name="Other Shop")
    assert (await timeline_summary(SYSTEM, renamed, customer_id)).cached is False


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["ask", "write"]), min_size=1, max_size=12))
def test_cached_exactly_when_nothing_changed_since_the_last_answer(steps: list[str]) -> None:
    """Over any sequence of asks and writes, an ask builds the Customer View iff no earlier
    ask saw the same version (a write that leaves the grounding as it was is then still
    answered from the grounding-keyed cache, but only after building the view)."""

    async def run() -> None:
        clock = FakeClock()
        db = FakeDatabase()
        customer_id = await a_customer(db, clock)
        ctx, versions, views = versioned(insight_context(db, clock))
        versions.bump(customer_id)
        answered: set[int] = set()
        for step in steps:
            if step == "write":
                versions.bump(customer_id)
                continue
            version = versions.versions[customer_id]
            builds = views.builds
            insight = await timeline_summary(SYSTEM, ctx, customer_id)
            assert views.builds == builds + (version not in answered)
            assert insight.cached is (bool(answered))  # the grounding never changed here
            answered.add(version)

    asyncio.run(run())
