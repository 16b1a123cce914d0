"""Post-service surveys over the fakes: due after the delay, queued once per job, ever."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from application.engagement import queue_post_service_surveys
from application.pagination import ListQuery
from domain.contact_preferences import ContactMethod, ContactPreferences
from domain.messaging.message import MessageStatus, Purpose
from tests.engagement_fakes import ScriptedLlm, engagement_context
from tests.engagement_scenarios import Shop
from tests.fakes import FakeClock, FakeDatabase, FakeMessageRepository
from tests.sql_mirror import MirroredEngagementQueries

TASK = "survey.v1"


async def _completed_job(shop: Shop, **customer: Any) -> tuple[int, int]:
    customer_id = await shop.customer(**customer)
    now = shop.clock.now()
    return customer_id, await shop.job(customer_id, now - timedelta(hours=2), now)


async def test_a_survey_is_queued_once_the_delay_has_passed(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer, job = await _completed_job(Shop(db.uow, clock))
    llm = ScriptedLlm()
    ctx = engagement_context(db, clock, llm, survey_delay=timedelta(days=3))

    clock.advance(days=3, seconds=-1)
    assert await queue_post_service_surveys(ctx) == 0
    clock.advance(seconds=1)
    assert await queue_post_service_surveys(ctx) == 1

    (message,) = db.rows("messages")
    assert message.idempotency_key == f"survey:job:{job}"
    assert (message.customer_id, message.job_id) == (customer, job)
    assert message.purpose is Purpose.TRANSACTIONAL and message.status is MessageStatus.SCHEDULED
    assert message.body.splitlines() == [
        f"How did job {job} go?",
        "Three quick questions about your visit.",
        "1. How satisfied are you? (1-5)",
        "2. Is the problem fixed? (yes/no)",
        "3. Anything else? (your words)",
    ]
    assert message.language == "en"
    assert llm.calls[TASK] == 1


async def test_running_again_queues_nothing_even_after_the_survey_is_gone(
    db: FakeDatabase, clock: FakeClock
) -> None:
    await _completed_job(Shop(db.uow, clock))
    llm = ScriptedLlm()
    ctx = engagement_context(db, clock, llm, survey_delay=timedelta(minutes=2))
    clock.advance(minutes=2)
    assert await queue_post_service_surveys(ctx) == 1
    async with db.uow() as uow:  # the office cancels it: still never a second survey
        (message,) = (await uow.messages.list(ListQuery(limit=10, offset=0, filters={}))).items
        message.move_to(MessageStatus.CANCELLED, clock.now())
        await uow.messages.update(message)
        await uow.commit()

    for _ in range(3):
        clock.advance(minutes=5)
        assert await queue_post_service_surveys(ctx) == 0
    assert len(db.rows("messages")) == 1
    assert llm.calls[TASK] == 1


async def test_two_concurrent_passes_queue_one_survey_per_job(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    jobs = [(await _completed_job(shop))[1] for _ in range(4)]
    llm = ScriptedLlm()
    clock.advance(days=3)
    first = engagement_context(db, clock, llm)
    second = engagement_context(db, clock, llm)

    results = await asyncio.gather(
        queue_post_service_surveys(first), queue_post_service_surveys(second)
    )

    assert sum(results) == len(jobs)
    keys = sorted(m.idempotency_key for m in db.rows("messages"))
    assert keys == sorted(f"survey:job:{j}" for j in jobs)


async def test_a_key_taken_between_the_check_and_the_insert_is_not_an_error(
    db: FakeDatabase, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique key is the guarantee, not the look-up before it: a racing insert that
    lands in between makes our insert fail, and the pass counts it as already queued."""
    await _completed_job(Shop(db.uow, clock))
    clock.advance(days=3)
    ctx = engagement_context(db, clock)
    assert await queue_post_service_surveys(ctx) == 1

    async def never_found(self: FakeMessageRepository, key: str) -> None:
        return None

    monkeypatch.setattr(FakeMessageRepository, "get_by_idempotency_key", never_found)
    assert isinstance(ctx.queries, MirroredEngagementQueries)
    ctx.queries.leave_out = frozenset({"messages"})  # reselected, as before the racing insert
    before = db.snapshot()
    assert await queue_post_service_surveys(ctx) == 0
    assert db.snapshot() == before


async def test_jobs_not_due_are_left_alone(db: FakeDatabase, clock: FakeClock) -> None:
    shop = Shop(db.uow, clock)
    now = clock.now()
    customer = await shop.customer()
    await shop.job(customer, now - timedelta(days=30), now - timedelta(days=18))  # too late
    await shop.job(customer, now - timedelta(days=2), now - timedelta(days=1))  # too early
    await shop.job(customer, now - timedelta(days=2))  # never completed
    unreachable = await shop.customer(phone=None, email=None)
    await shop.job(unreachable, now - timedelta(days=5), now - timedelta(days=4))
    due = await shop.job(customer, now - timedelta(days=5), now - timedelta(days=4))

    ctx = engagement_context(db, clock)
    assert await queue_post_service_surveys(ctx) == 1
    assert [m.job_id for m in db.rows("messages")] == [due]


async def test_the_survey_goes_to_the_preferred_channel_in_the_allowed_hours(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer, _ = await _completed_job(Shop(db.uow, clock), time_zone="Europe/Berlin")
    async with db.uow() as uow:
        c = await uow.customers.get(customer)
        assert c is not None
        c.set_preferences(ContactPreferences(method=ContactMethod.EMAIL, language="de"))
        await uow.customers.update(c)
        await uow.commit()
    clock.set(clock.now().replace(hour=22) + timedelta(days=3))  # 23:00 in Berlin
    await queue_post_service_surveys(engagement_context(db, clock))
    (message,) = db.rows("messages")
    assert message.channel.value == "EMAIL" and message.recipient.endswith("@example.com")
    assert message.language == "de"
    assert message.scheduled_for == clock.now().replace(hour=7) + timedelta(days=1)  # 08:00
