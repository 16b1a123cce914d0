"""Daily follow-up suggestions over the fakes: who is selected, what is stored, and that a
second (or a racing) run stores nothing more."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.engagement import daily_follow_up_suggestions
from application.llm.errors import LlmInvalidReply, LlmUnavailable
from domain.follow_up import FollowUpStatus
from tests.engagement_fakes import ScriptedLlm, engagement_context
from tests.engagement_scenarios import Shop, attention_history
from tests.fakes import FakeClock, FakeDatabase
from tests.sql_mirror import MirroredEngagementQueries

TASK = "followup_suggestions.v1"


def suggestions(db: FakeDatabase) -> list:  # type: ignore[type-arg]
    return [f for f in db.rows("follow_ups") if f.suggestion is not None]


async def test_selection_follows_the_rules_and_stores_pending_suggestions(
    db: FakeDatabase, clock: FakeClock
) -> None:
    expected = await attention_history(Shop(db.uow, clock), clock.now())
    llm = ScriptedLlm()
    ctx = engagement_context(db, clock, llm)

    assert await daily_follow_up_suggestions(ctx) == 2 * len(expected)

    stored = suggestions(db)
    by_customer: dict[int, set[int]] = {}
    for f in stored:
        by_customer.setdefault(f.customer_id, set()).add(f.job_id)
        assert f.status is FollowUpStatus.PENDING and f.follow_up_date is None
        assert f.created_at == clock.now()
        assert f.suggestion_key.startswith(f"suggestion:{f.customer_id}:{f.job_id}:2024-03-01:")
    assert by_customer == {c: {e.job_id} for c, e in expected.items()}
    assert llm.calls[TASK] == len(expected)
    texts = {f.customer_id: f.suggestion for f in stored if f.suggestion_key.endswith(":0")}
    for customer_id, e in expected.items():
        flagged = ", ".join(r.value.lower().replace("_", " ") for r in e.reasons)
        assert texts[customer_id].endswith(f"Flagged for: {flagged}.")
        assert texts[customer_id].startswith(f"Call Customer {customer_id} (idea 1) (by SMS")


async def test_a_second_run_that_day_or_the_next_stores_nothing(
    db: FakeDatabase, clock: FakeClock
) -> None:
    expected = await attention_history(Shop(db.uow, clock), clock.now())
    llm = ScriptedLlm()
    ctx = engagement_context(db, clock, llm)
    first = await daily_follow_up_suggestions(ctx)
    assert first == 2 * len(expected)
    snapshot = db.snapshot()

    clock.advance(hours=2)
    assert await daily_follow_up_suggestions(ctx) == 0
    clock.advance(days=1)  # the completion is still "recent": it was handled already
    assert await daily_follow_up_suggestions(ctx) == 0
    assert db.snapshot() == snapshot
    assert llm.calls[TASK] == len(expected)


async def test_a_new_signal_after_a_suggestion_gets_a_new_one(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    job = await shop.job(customer, clock.now() - timedelta(days=2), clock.now() - timedelta(days=1))
    ctx = engagement_context(db, clock)
    assert await daily_follow_up_suggestions(ctx) == 2

    clock.advance(days=1)
    await shop.review(job, customer, 1, clock.now() - timedelta(hours=1))
    assert await daily_follow_up_suggestions(ctx) == 2
    keys = sorted(f.suggestion_key for f in suggestions(db))
    assert keys == [
        f"suggestion:{customer}:{job}:2024-03-01:0",
        f"suggestion:{customer}:{job}:2024-03-01:1",
        f"suggestion:{customer}:{job}:2024-03-02:0",
        f"suggestion:{customer}:{job}:2024-03-02:1",
    ]


async def test_long_silence_is_suggested_once_per_silence(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer(at=clock.now() - timedelta(days=400))
    ago = clock.now() - timedelta(days=181)
    await shop.job(customer, ago, ago)
    ctx = engagement_context(db, clock)
    assert await daily_follow_up_suggestions(ctx) == 2
    clock.advance(days=179)
    assert await daily_follow_up_suggestions(ctx) == 0
    clock.advance(days=2)  # 180 days after the last suggestion, still silent
    assert await daily_follow_up_suggestions(ctx) == 2


async def test_two_racing_runs_store_each_suggestion_once(
    db: FakeDatabase, clock: FakeClock
) -> None:
    expected = await attention_history(Shop(db.uow, clock), clock.now())
    llm = ScriptedLlm()
    ctx = engagement_context(db, clock, llm)
    other = engagement_context(db, clock, llm)  # its own gateway: no shared single-flight

    results = await asyncio.gather(
        daily_follow_up_suggestions(ctx), daily_follow_up_suggestions(other)
    )

    assert sum(results) == 2 * len(expected)
    assert len(suggestions(db)) == 2 * len(expected)
    assert llm.calls[TASK] == 2 * len(expected)  # both asked; only one stored


async def test_the_selection_is_one_query(db: FakeDatabase, clock: FakeClock) -> None:
    await attention_history(Shop(db.uow, clock), clock.now())
    ctx = engagement_context(db, clock)
    await daily_follow_up_suggestions(ctx)
    assert isinstance(ctx.queries, MirroredEngagementQueries)
    assert ctx.queries.calls == {"attention": 1}


class FailingFor(ScriptedLlm):
    def __init__(self, customer_id: int, error: Exception) -> None:
        super().__init__()
        self.customer_id, self.error = customer_id, error

    def _followup_suggestions(self, g):  # type: ignore[no-untyped-def]
        if g["customer"]["id"] == self.customer_id:
            raise self.error
        return super()._followup_suggestions(g)


async def test_an_unusable_reply_skips_that_customer_only(
    db: FakeDatabase, clock: FakeClock
) -> None:
    expected = await attention_history(Shop(db.uow, clock), clock.now())
    skipped = min(expected)
    ctx = engagement_context(db, clock, FailingFor(skipped, LlmInvalidReply("bad json")))
    assert await daily_follow_up_suggestions(ctx) == 2 * (len(expected) - 1)
    assert skipped not in {f.customer_id for f in suggestions(db)}
    # the next run tries that customer again (and only that one)
    retry = engagement_context(db, clock)
    assert await daily_follow_up_suggestions(retry) == 2


async def test_a_provider_outage_ends_the_pass_and_the_retry_finishes_it(
    db: FakeDatabase, clock: FakeClock
) -> None:
    expected = await attention_history(Shop(db.uow, clock), clock.now())
    failing = sorted(expected)[2]
    ctx = engagement_context(db, clock, FailingFor(failing, LlmUnavailable("down")))
    with pytest.raises(LlmUnavailable):
        await daily_follow_up_suggestions(ctx)
    assert len(suggestions(db)) == 2 * 2  # the two customers before it are kept
    assert await daily_follow_up_suggestions(engagement_context(db, clock)) == 2 * (
        len(expected) - 2
    )
