"""POST /messages as a use case: queued through the outbox, idempotent per user and key."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.access import Actor
from application.messaging.post_message import NewMessage, post_message
from domain.contact_preferences import ContactMethod
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.messaging.client_requests import KeyReused
from domain.messaging.message import MessageStatus, Purpose
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer, a_job

OFFICE = Actor(user_id=7, role=Role.OFFICE)
OTHER_OFFICE = Actor(user_id=8, role=Role.OFFICE)


def hello(customer_id: int, body: str = "Hello!", **more: object) -> NewMessage:
    return NewMessage(customer_id, body, Purpose.TRANSACTIONAL, **more)  # type: ignore[arg-type]


async def test_a_message_without_a_job_is_queued_for_now_in_the_preferred_channel(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    posted = await post_message(OFFICE, db.uow(), clock, hello(customer_id))
    message = posted.message
    assert posted.created and message.id is not None
    assert (message.job_id, message.follow_up_id, message.status) == (
        None,
        None,
        MessageStatus.SCHEDULED,
    )
    assert message.channel is ContactMethod.SMS and message.scheduled_for == clock.now()
    assert [m.id for m in db.rows("messages")] == [message.id]
    [entry] = [e for e in db.rows("audit_entries") if e.entity == "message"]
    assert (entry.entity, entry.entity_id, entry.actor_user_id) == ("message", message.id, 7)
    assert "+1415" not in str(entry.changes)  # no recipient in the trail


async def test_a_repeat_with_the_same_key_gives_back_the_same_message(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    first = await post_message(OFFICE, db.uow(), clock, hello(customer_id), "k-1")
    again = await post_message(OFFICE, db.uow(), clock, hello(customer_id), "k-1")
    assert first.created and not again.created
    assert again.message.id == first.message.id and len(db.rows("messages")) == 1
    with pytest.raises(KeyReused, match="k-1"):
        await post_message(OFFICE, db.uow(), clock, hello(customer_id, "Other"), "k-1")
    other_user = await post_message(OTHER_OFFICE, db.uow(), clock, hello(customer_id), "k-1")
    assert other_user.created  # keys are per user
    assert len(db.rows("messages")) == 2


@given(
    posts=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["hi", "hello", "hey"])),
        min_size=1,
        max_size=12,
    )
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
async def test_any_sequence_of_posts_gives_one_message_per_key(
    posts: list[tuple[str, str]],
) -> None:
    db, clock = FakeDatabase(), FakeClock()
    customer_id = await a_customer(db, clock)
    first_body: dict[str, str] = {}
    for key, body in posts:
        try:
            posted = await post_message(OFFICE, db.uow(), clock, hello(customer_id, body), key)
        except KeyReused:
            assert first_body[key] != body  # 409 exactly when the body differs
            continue
        assert posted.created is (key not in first_body)
        assert first_body.setdefault(key, body) == body
        assert posted.message.body == body
    assert len(db.rows("messages")) == len(first_body)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "  "}, "body"),
        ({"channel": ContactMethod.WHATSAPP}, "channel"),  # the customer has no phone
        ({"scheduled_for_offset": timedelta(hours=-1)}, "scheduled_for"),
    ],
)
async def test_bad_requests_name_the_field_and_queue_nothing(
    db: FakeDatabase, clock: FakeClock, changes: dict[str, object], field: str
) -> None:
    customer_id = await a_customer(db, clock, phone=None)
    offset = changes.pop("scheduled_for_offset", None)
    if offset is not None:
        changes["scheduled_for"] = clock.now() + offset  # type: ignore[operator]
    new = hello(customer_id, **changes)
    with pytest.raises(ValidationFailed) as refused:
        await post_message(OFFICE, db.uow(), clock, new)
    assert field in refused.value.errors
    assert db.rows("messages") == []


async def test_a_slightly_past_time_means_now_and_a_bad_key_is_refused(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    when = clock.now() - timedelta(minutes=2)
    posted = await post_message(OFFICE, db.uow(), clock, hello(customer_id, scheduled_for=when))
    assert posted.message.scheduled_for == clock.now()
    with pytest.raises(ValidationFailed) as refused:
        await post_message(OFFICE, db.uow(), clock, hello(customer_id), "no spaces")
    assert "Idempotency-Key" in refused.value.errors


async def test_a_channel_the_customer_does_not_prefer_is_refused(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    stored = db.tables["customers"][customer_id]
    stored.preferences = replace(stored.preferences, method=ContactMethod.EMAIL)
    new = hello(customer_id, channel=ContactMethod.SMS)
    with pytest.raises(ValidationFailed, match="prefers EMAIL"):
        await post_message(OFFICE, db.uow(), clock, new)
    default = await post_message(OFFICE, db.uow(), clock, hello(customer_id))
    assert default.message.channel is ContactMethod.EMAIL


async def test_a_follow_up_must_be_the_customers_and_a_pending_one_is_scheduled(
    db: FakeDatabase, clock: FakeClock
) -> None:
    from application import follow_ups

    customer_id = await a_customer(db, clock)
    other_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    pending = await follow_ups.create_follow_up(
        OFFICE, db.uow(), clock, follow_ups.NewFollowUp(job_id)
    )
    with pytest.raises(ValidationFailed) as refused:
        await post_message(OFFICE, db.uow(), clock, hello(other_id, follow_up_id=pending.id))
    assert "follow_up_id" in refused.value.errors
    with pytest.raises(NotFound):
        await post_message(OFFICE, db.uow(), clock, hello(customer_id, follow_up_id=999))
    posted = await post_message(
        OFFICE, db.uow(), clock, hello(customer_id, follow_up_id=pending.id)
    )
    assert (posted.message.follow_up_id, posted.message.job_id) == (pending.id, job_id)
    [stored] = db.rows("follow_ups")
    assert stored.status.value == "SCHEDULED" and stored.follow_up_date == clock.now()


async def test_technicians_may_not_post_messages(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(PermissionDenied):
        await post_message(Actor(3, Role.TECHNICIAN, 1), db.uow(), clock, hello(customer_id))
