"""A message queued for now is handed to a worker at commit (`SendAtOnce`), and the
`send_message` actor racing the poll still sends it once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application import follow_ups
from application.access import SYSTEM
from application.messaging.approval import approve_message, reject_message
from application.outbox.dispatch import dispatch_due, send_one
from application.outbox.outcome import Outcome
from application.outbox.send_at_once import SendAtOnce
from domain.contact_preferences import QuietHours
from domain.messaging.message import MessageStatus, Purpose, compose
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_customer, a_job
from tests.unit.test_dispatch import DAYTIME, queue


class RecordingQueue:
    """A SendQueue that records the ids handed to it (and what was committed by then)."""

    def __init__(self, db: FakeDatabase, fail: bool = False) -> None:
        self.db = db
        self.fail = fail
        self.ids: list[int] = []
        self.stored_when_handed: list[bool] = []

    async def send_now(self, message_id: int) -> None:
        self.stored_when_handed.append(message_id in self.db.tables["messages"])
        if self.fail:
            raise ConnectionError("broker down")
        self.ids.append(message_id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DAYTIME)


def sending_db(db: FakeDatabase, clock: FakeClock, send_queue: RecordingQueue) -> FakeDatabase:
    """`db` whose units of work are wrapped as the composition root wraps the SQL ones."""
    plain = db.uow
    db.uow = lambda: SendAtOnce(plain(), send_queue, clock)  # type: ignore[method-assign]
    return db


async def test_a_message_queued_for_now_is_handed_over_after_the_commit(clock) -> None:
    db = FakeDatabase()
    send_queue = RecordingQueue(db)
    customer_id = await a_customer(sending_db(db, clock, send_queue), clock)
    now_id = await queue(db, clock, customer_id, "now")
    await queue(db, clock, customer_id, "later", when=clock.now() + timedelta(hours=2))
    assert send_queue.ids == [now_id]
    assert send_queue.stored_when_handed == [True]  # committed before the worker looks


async def test_a_follow_up_message_for_now_goes_to_the_send_queue(clock) -> None:
    db = FakeDatabase()
    send_queue = RecordingQueue(db)
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    new = follow_ups.NewFollowUp(job_id, message=follow_ups.FollowUpMessage("All good?"))
    await follow_ups.create_follow_up(SYSTEM, sending_db(db, clock, send_queue).uow(), clock, new)
    [message] = db.rows("messages")
    assert send_queue.ids == [message.id]


async def test_nothing_is_handed_over_when_the_transaction_rolls_back(clock) -> None:
    db = FakeDatabase()
    send_queue = RecordingQueue(db)
    customer_id = await a_customer(db, clock)
    customer = db.rows("customers")[0]
    async with SendAtOnce(db.uow(), send_queue, clock) as uow:
        await uow.messages.add(
            compose(customer, Purpose.TRANSACTIONAL, "hi", "k", clock.now(), clock.now())
        )
    assert (send_queue.ids, db.rows("messages"), customer.id) == ([], [], customer_id)


async def test_a_broker_that_fails_leaves_the_message_to_the_poll(clock) -> None:
    db = FakeDatabase()
    send_queue = RecordingQueue(db, fail=True)
    customer_id = await a_customer(db, clock)
    message_id = await queue(sending_db(db, clock, send_queue), clock, customer_id)
    assert send_queue.stored_when_handed == [True] and send_queue.ids == []
    sender = FakeSender(clock)
    report = await dispatch_due(db.uow, clock, sender, QuietHours())
    assert (report.sent, sender.sent_ids()) == (1, [message_id])


@pytest.mark.parametrize("actor_first", [True, False])
async def test_the_actor_racing_the_poll_sends_once(clock, actor_first: bool) -> None:
    db = FakeDatabase()
    customer_id = await a_customer(db, clock)
    message_id = await queue(db, clock, customer_id)
    sender = FakeSender(clock)  # yields on every send, as a network call would
    actor = send_one(db.uow, clock, sender, QuietHours(), message_id)
    poll = dispatch_due(db.uow, clock, sender, QuietHours())
    first, second = (actor, poll) if actor_first else (poll, actor)
    results = await asyncio.gather(first, second)
    outcome, report = results if actor_first else results[::-1]
    assert sender.sent_ids() == [message_id]
    assert (outcome is Outcome.SENT) != (report.sent == 1)  # one of them sent it
    [stored] = db.rows("messages")
    assert (stored.status, stored.attempts) == (MessageStatus.SENT, 1)


async def test_a_message_approved_when_due_is_handed_over_after_the_commit(clock) -> None:
    db = FakeDatabase()
    send_queue = RecordingQueue(db)
    customer_id = await a_customer(sending_db(db, clock, send_queue), clock)
    held = []
    for key in ("approve-me", "reject-me"):
        async with db.uow() as uow:
            customer = await uow.customers.get(customer_id)
            message = compose(
                customer, Purpose.TRANSACTIONAL, "AI text", key, clock.now(), clock.now()
            )
            message.hold_for_approval(frozenset())
            held.append((await uow.messages.add(message)).id)
            await uow.commit()
    assert send_queue.ids == []  # held: nothing handed over
    await approve_message(SYSTEM, db.uow(), clock, held[0], "Edited")
    await reject_message(SYSTEM, db.uow(), clock, held[1])
    assert send_queue.ids == [held[0]]
