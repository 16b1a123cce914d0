"""Surveys that listen, over the fakes: the survey is linked to a follow-up of its job, and
a reply that gives a rating completes it and rates the job's technician."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.messaging.twilio.webhook import CONSENT_SOURCE
from application.engagement import queue_post_service_surveys
from application.outbox.dispatch import dispatch_due
from application.outbox.inbound import handle_inbound
from domain.contact_preferences import ContactMethod, ContactPreferences, QuietHours
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import MessageStatus
from domain.review import TechnicianRating
from tests.engagement_fakes import engagement_context
from tests.engagement_scenarios import Shop
from tests.fakes import FakeClock, FakeDatabase, FakeSender

PHONE = "+14155550001"  # the Shop's first customer


async def surveyed(db: FakeDatabase, clock: FakeClock, language: str = "en") -> tuple[int, int]:
    """A completed job whose survey was sent: (job id, follow-up id)."""
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    if language != "en":
        async with db.uow() as uow:
            c = await uow.customers.get(customer)
            assert c is not None
            c.set_preferences(ContactPreferences(method=ContactMethod.SMS, language=language))
            await uow.customers.update(c)
            await uow.commit()
    job = await shop.job(customer, clock.now() - timedelta(hours=2), clock.now())
    clock.advance(days=3)
    assert await queue_post_service_surveys(engagement_context(db, clock)) == 1
    (message,) = db.rows("messages")
    clock.set(max(clock.now(), message.scheduled_for))
    await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    (message,) = db.rows("messages")
    assert message.status is MessageStatus.SENT and message.follow_up_id is not None
    return job, message.follow_up_id


async def reply(db: FakeDatabase, clock: FakeClock, body: str, token: str | None = None) -> None:
    clock.advance(minutes=5)
    await handle_inbound(
        db.uow, clock, PHONE, body, ContactMethod.SMS, token, source=CONSENT_SOURCE
    )


async def follow_up(db: FakeDatabase, follow_up_id: int) -> FollowUp:
    async with db.uow() as uow:
        found = await uow.follow_ups.get(follow_up_id)
    assert found is not None
    return found


def ratings(db: FakeDatabase) -> list[Any]:
    return [(r.job_id, r.rating) for r in db.rows("technician_ratings")]


async def test_a_survey_is_linked_to_one_follow_up_of_its_job(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock)
    linked = await follow_up(db, follow_up_id)
    assert (linked.job_id, linked.status) == (job, FollowUpStatus.SENT)
    for _ in range(2):  # later passes find the survey queued: no second follow-up
        clock.advance(hours=1)
        assert await queue_post_service_surveys(engagement_context(db, clock)) == 0
    assert [f.id for f in db.rows("follow_ups")] == [follow_up_id]


async def test_a_rating_reply_completes_the_survey_and_rates_the_technician(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock)
    await reply(db, clock, "4 stars - quick and clean", token="r1")
    await reply(db, clock, "4 stars - quick and clean", token="r1")  # a repeated webhook
    answered = await follow_up(db, follow_up_id)
    assert answered.status is FollowUpStatus.COMPLETED
    assert (answered.satisfaction_rating, answered.feedback) == (4, "quick and clean")
    assert ratings(db) == [(job, 4)]


async def test_a_reply_in_the_customers_language(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock, language="es-MX")
    await reply(db, clock, "Cinco estrellas")
    answered = await follow_up(db, follow_up_id)
    assert (answered.status, answered.satisfaction_rating, answered.feedback) == (
        FollowUpStatus.COMPLETED, 5, None,
    )  # fmt: skip
    assert ratings(db) == [(job, 5)]


async def test_an_unparseable_reply_stays_feedback_then_a_rating_completes_it(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock)
    await reply(db, clock, "The fridge is cold again, thanks")
    waiting = await follow_up(db, follow_up_id)
    assert (waiting.status, waiting.satisfaction_rating) == (FollowUpStatus.SENT, None)
    assert waiting.feedback == "The fridge is cold again, thanks"
    assert ratings(db) == []
    await reply(db, clock, "5")
    answered = await follow_up(db, follow_up_id)
    assert (answered.status, answered.satisfaction_rating) == (FollowUpStatus.COMPLETED, 5)
    assert answered.feedback == "The fridge is cold again, thanks"
    assert ratings(db) == [(job, 5)]


async def test_a_rating_the_office_recorded_for_the_job_stands(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock)
    async with db.uow() as uow:
        j = await uow.jobs.get(job)
        assert j is not None and j.details.technician_id is not None
        given = TechnicianRating.of_job(
            j, j.details.customer_id, j.details.technician_id, 2, clock.now()
        )
        await uow.technician_ratings.add(given)
        await uow.commit()
    await reply(db, clock, "five")
    assert (await follow_up(db, follow_up_id)).satisfaction_rating == 5
    assert ratings(db) == [(job, 2)]


async def test_after_the_answer_a_rating_like_reply_is_feedback_elsewhere(db, clock) -> None:
    job, follow_up_id = await surveyed(db, clock)
    await reply(db, clock, "3")
    await reply(db, clock, "5")  # the survey is answered: nothing awaits a rating
    answered = await follow_up(db, follow_up_id)
    assert (answered.satisfaction_rating, answered.feedback) == (3, None)
    assert ratings(db) == [(job, 3)]
