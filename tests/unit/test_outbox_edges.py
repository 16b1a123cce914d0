"""Outbox edges: a provider id chosen and stored before the send, a claimed-but-unsent
message queued again by the reconciler, a known outcome written back across a database
outage, the follow-up showing that its message awaits review, dispatch in batches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from application.outbox.dispatch import send_one
from application.outbox.outcome import DispatchReport, Outcome
from application.outbox.reconcile import reconcile_stuck
from application.outbox.write_back import WriteBack
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import Message, MessageStatus
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_customer, a_job
from tests.unit.test_dispatch import DAYTIME, QUIET, abandon, dispatch, queue, stored

M = MessageStatus
QUICK = WriteBack(budget_seconds=2, first_delay_seconds=0.001, max_delay_seconds=0.01)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DAYTIME)


@pytest.fixture
def sender(clock: FakeClock) -> FakeSender:
    return FakeSender(clock)


@pytest.fixture
def smtp_like(clock: FakeClock) -> FakeSender:
    sender = FakeSender(clock)
    sender.chooses_ids = True
    return sender


async def test_a_chosen_provider_id_is_stored_before_the_send(db, clock) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    seen: list[str | None] = []

    class Watching(FakeSender):
        async def send(self, message: Message) -> Any:
            seen.append((await stored(db, message_id)).provider_message_id)
            return await super().send(message)

    sender = Watching(clock)
    sender.chooses_ids = True
    assert await send_one(db.uow, clock, sender, QUIET, message_id) is Outcome.SENT
    assert seen == ["chosen-1"]
    message = await stored(db, message_id)
    assert (message.status, message.provider_message_id) == (M.SENT, "chosen-1")


async def test_a_message_claimed_but_never_handed_over_is_queued_again(
    db, clock, smtp_like
) -> None:
    """The worker died between the claim and storing the chosen id: nothing was sent, so
    the reconciler queues it again (attempt given back) and it is sent exactly once."""
    message_id = await queue(db, clock, await a_customer(db, clock))
    await abandon(db, clock, message_id, None)
    clock.advance(minutes=2)
    assert await reconcile_stuck(db.uow, clock, smtp_like, timedelta(minutes=1)) == 1
    message = await stored(db, message_id)
    assert (message.status, message.attempts) == (M.SCHEDULED, 0)
    assert message.last_error == "worker stopped before sending; queued again"
    assert await dispatch(db, clock, smtp_like) == DispatchReport(sent=1)
    assert smtp_like.sent_ids() == [message_id]


async def test_a_lost_answer_goes_to_review_with_its_provider_id_and_its_follow_up_shows_it(
    db, clock, smtp_like
) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        follow_up = await uow.follow_ups.add(
            FollowUp.open(job_id, customer_id, clock.now(), clock.now())
        )
        await uow.commit()
    message_id = await queue(db, clock, customer_id, follow_up_id=follow_up.id)
    await abandon(db, clock, message_id, "smtp-abc")
    clock.advance(minutes=2)
    assert await reconcile_stuck(db.uow, clock, smtp_like, timedelta(minutes=1)) == 1
    message = await stored(db, message_id)
    assert (message.status, message.provider_message_id) == (M.NEEDS_REVIEW, "smtp-abc")
    assert db.rows("follow_ups")[0].status is FollowUpStatus.AWAITING_REVIEW
    assert smtp_like.sent == []


class Outage:
    """A unit-of-work factory whose database is unreachable for the next `failures`
    units of work once `down` is set (as a dropped connection would be)."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db, self.down, self.failures, self.refused = db, False, 0, 0

    def __call__(self) -> Any:
        if self.down and self.failures > 0:
            self.failures -= 1
            self.refused += 1
            raise ConnectionError("database unreachable")
        return self.db.uow()


async def test_a_known_outcome_is_written_back_across_a_database_outage(db, clock) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    outage = Outage(db)

    class CutAfterSend(FakeSender):
        async def send(self, message: Message) -> Any:
            result = await super().send(message)
            outage.down, outage.failures = True, 4
            return result

    sender = CutAfterSend(clock)
    outcome = await send_one(outage, clock, sender, QUIET, message_id, write_back=QUICK)
    assert outcome is Outcome.SENT and outage.refused == 4
    message = await stored(db, message_id)
    assert (message.status, message.last_error) == (M.SENT, None)
    assert message.provider_message_id == "SM" + "0" * 31 + "1"


async def test_a_write_back_over_a_review_mark_says_what_really_happened(db, clock) -> None:
    """The outage outlasts `stale_after`: the reconciler marks the message for review, then
    the write-back gets through and records the known outcome over the mark."""
    message_id = await queue(db, clock, await a_customer(db, clock))
    outage = Outage(db)

    class Refusing(FakeSender):
        async def send(self, message: Message) -> Any:
            from application.ports.outbox import SendError

            outage.down, outage.failures = True, 1
            clock.advance(minutes=5)
            assert await reconcile_stuck(db.uow, clock, self, timedelta(minutes=1)) == 1
            raise SendError(False, "SMTP 550: mailbox unavailable")

    outcome = await send_one(outage, clock, Refusing(clock), QUIET, message_id, write_back=QUICK)
    assert outcome is Outcome.FAILED
    message = await stored(db, message_id)
    assert (message.status, message.last_error) == (M.FAILED, "SMTP 550: mailbox unavailable")


async def test_the_write_back_gives_up_after_its_budget(db, clock) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    outage = Outage(db)

    class CutForGood(FakeSender):
        async def send(self, message: Message) -> Any:
            outage.down, outage.failures = True, 10**6
            return await super().send(message)

    short = WriteBack(budget_seconds=0.05, first_delay_seconds=0.01, max_delay_seconds=0.01)
    with pytest.raises(ConnectionError):
        await send_one(outage, clock, CutForGood(clock), QUIET, message_id, write_back=short)
    assert (await stored(db, message_id)).status is M.SENDING  # the reconciler's to settle


@pytest.mark.parametrize(("for_seconds", "sent"), [(0, 2), (60, 5)])
async def test_dispatch_goes_on_while_batches_come_back_full(
    db, clock, sender, for_seconds, sent
) -> None:
    customer_id = await a_customer(db, clock)
    for n in range(5):
        await queue(db, clock, customer_id, f"batch:{n}")
    report = await dispatch(db, clock, sender, batch_size=2, for_seconds=for_seconds)
    assert report.sent == sent and len(sender.sent) == sent
