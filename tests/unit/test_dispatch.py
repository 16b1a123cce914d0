"""Sending the outbox: claim once, decide, send once, record; retries; reconciliation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.access import SYSTEM
from application.consent import record_marketing_flag
from application.outbox.dispatch import dispatch_due, send_one
from application.outbox.enqueue import enqueue
from application.outbox.outcome import DispatchReport, Outcome
from application.outbox.reconcile import reconcile_stuck
from application.outbox.record import backoff
from application.ports.outbox import SendError
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    Frequency,
    QuietHours,
)
from domain.errors import Conflict
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import Message, MessageStatus, Purpose, compose
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_customer, a_job

QUIET = QuietHours()
# Monday 2024-03-04 10:00 in Los Angeles (the builders' customer): contact is allowed.
DAYTIME = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)
M = MessageStatus


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DAYTIME)


@pytest.fixture
def sender(clock: FakeClock) -> FakeSender:
    return FakeSender(clock)


async def queue(
    db: FakeDatabase,
    clock: FakeClock,
    customer_id: int,
    key: str = "test:1",
    *,
    when: datetime | None = None,
    purpose: Purpose = Purpose.TRANSACTIONAL,
    channel: ContactMethod | None = None,
    follow_up_id: int | None = None,
) -> int:
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        message = compose(
            customer,
            purpose,
            "Your technician is on the way.",
            key,
            when or clock.now(),
            clock.now(),
            channel=channel,
            follow_up_id=follow_up_id,
        )
        message = await enqueue(uow.messages, message)
        await uow.commit()
    assert message.id is not None
    return message.id


async def stored(db: FakeDatabase, message_id: int) -> Message:
    async with db.uow() as uow:
        message = await uow.messages.get(message_id)
    assert message is not None
    return message


async def dispatch(
    db: FakeDatabase, clock: FakeClock, sender: FakeSender, **kwargs: Any
) -> DispatchReport:
    return await dispatch_due(db.uow, clock, sender, QUIET, **kwargs)


# --- claim -----------------------------------------------------------------------------


async def test_claim_moves_a_due_message_to_sending_once(db, clock) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    async with db.uow() as uow:
        first = await uow.messages.claim(message_id, clock.now())
        second = await uow.messages.claim(message_id, clock.now())
        await uow.commit()
    assert first is not None and (first.status, first.attempts) == (M.SENDING, 1)
    assert first.updated_at == clock.now()
    assert second is None
    assert (await stored(db, message_id)).status is M.SENDING


async def test_claim_refuses_a_message_not_yet_due(db, clock) -> None:
    later = clock.now() + timedelta(minutes=5)
    message_id = await queue(db, clock, await a_customer(db, clock), when=later)
    async with db.uow() as uow:
        assert await uow.messages.claim(message_id, clock.now()) is None
        assert await uow.messages.due_ids(clock.now(), 10) == []
        assert await uow.messages.due_ids(later, 10) == [message_id]
    assert await send_one(db.uow, clock, FakeSender(), QUIET, message_id) == Outcome.SKIPPED


async def test_due_ids_are_oldest_first_and_limited(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    times = [clock.now() - timedelta(minutes=m) for m in (1, 30, 10)]
    ids = [await queue(db, clock, customer_id, f"k{i}", when=t) for i, t in enumerate(times)]
    async with db.uow() as uow:
        assert await uow.messages.due_ids(clock.now(), 10) == [ids[1], ids[2], ids[0]]
        assert await uow.messages.due_ids(clock.now(), 2) == [ids[1], ids[2]]


async def test_the_idempotency_key_is_unique(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    first = await queue(db, clock, customer_id, "same")
    assert await queue(db, clock, customer_id, "same") == first  # enqueue returns the stored
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        clash = compose(customer, Purpose.TRANSACTIONAL, "x", "same", clock.now(), clock.now())
        with pytest.raises(Conflict):
            await uow.messages.add(clash)


# --- sending ---------------------------------------------------------------------------


async def test_a_due_message_is_sent_once_and_its_provider_id_stored(db, clock, sender) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    report = await dispatch(db, clock, sender)
    assert report == DispatchReport(sent=1)
    message = await stored(db, message_id)
    assert message.status is M.SENT and message.provider_message_id == "SM" + "0" * 31 + "1"
    assert (message.sent_at, message.attempts, message.last_error) == (clock.now(), 1, None)
    assert await dispatch(db, clock, sender) == DispatchReport()
    assert sender.sent_ids() == [message_id]


async def test_concurrent_dispatchers_never_send_a_message_twice(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    ids = [await queue(db, clock, customer_id, f"k{i}") for i in range(30)]
    reports = await asyncio.gather(
        dispatch(db, clock, sender), dispatch(db, clock, sender, concurrency=4)
    )
    assert sorted(sender.sent_ids()) == ids  # every message once, none twice
    assert sum(r.sent for r in reports) == 30
    assert sum(r.skipped for r in reports) > 0  # races were lost: skipped, not sent
    assert {(await stored(db, i)).status for i in ids} == {M.SENT}


async def test_a_retryable_error_reschedules_with_backoff(db, clock, sender) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    sender.fail_with = [SendError(True, "Twilio 429: too many requests")] * 2
    assert await dispatch(db, clock, sender) == DispatchReport(retried=1)
    message = await stored(db, message_id)
    assert (message.status, message.attempts) == (M.SCHEDULED, 1)
    assert message.scheduled_for == clock.now() + backoff(1) == clock.now() + timedelta(minutes=1)
    assert message.last_error == "Twilio 429: too many requests"
    assert await dispatch(db, clock, sender) == DispatchReport()  # not due before the backoff
    clock.advance(minutes=1)
    assert await dispatch(db, clock, sender) == DispatchReport(retried=1)
    assert (await stored(db, message_id)).scheduled_for == clock.now() + timedelta(minutes=2)
    clock.advance(minutes=2)
    assert await dispatch(db, clock, sender) == DispatchReport(sent=1)
    message = await stored(db, message_id)
    assert (message.status, message.attempts, message.last_error) == (M.SENT, 3, None)
    assert sender.sent_ids() == [message_id]


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


async def test_the_last_retryable_failure_is_final(db, clock, sender) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    sender.fail_with = [SendError(True, "Twilio 503: unavailable")] * 3
    outcomes = []
    for _ in range(3):
        outcomes.append(await send_one(db.uow, clock, sender, QUIET, message_id, max_attempts=3))
        clock.advance(hours=1)
    assert outcomes == [Outcome.RETRIED, Outcome.RETRIED, Outcome.FAILED]
    message = await stored(db, message_id)
    assert (message.status, message.attempts) == (M.FAILED, 3)
    assert message.last_error == "Twilio 503: unavailable (after 3 attempts)"
    assert sender.sent == []


async def test_a_refusal_fails_at_once_with_the_reason(db, clock, sender) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    sender.fail_with = [SendError(False, "Twilio 400 error 21211: invalid To")]
    assert await dispatch(db, clock, sender) == DispatchReport(failed=1)
    message = await stored(db, message_id)
    assert message.status is M.FAILED and message.last_error == (
        "Twilio 400 error 21211: invalid To"
    )


@pytest.mark.parametrize(
    "error",
    [SendError(True, "Twilio 500", outcome_unknown=True), RuntimeError("bug in the adapter")],
)
async def test_an_unknown_outcome_goes_to_review_and_is_never_resent(
    db, clock, sender, error
) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    sender.fail_with = [error]
    assert await dispatch(db, clock, sender) == DispatchReport(needs_review=1)
    message = await stored(db, message_id)
    assert message.status is M.NEEDS_REVIEW and message.last_error
    clock.advance(hours=2)
    assert await dispatch(db, clock, sender) == DispatchReport()
    assert await reconcile_stuck(db.uow, clock, sender, timedelta(minutes=10)) == 0
    assert sender.sent == []


async def test_a_phone_message_becomes_a_call_task(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    message_id = await queue(db, clock, customer_id, channel=ContactMethod.PHONE)
    assert await dispatch(db, clock, sender) == DispatchReport(sent=1)
    assert sender.sent == []
    [task] = db.rows("call_tasks")
    assert (task.customer_id, task.message_id, task.status.value) == (
        customer_id,
        message_id,
        "OPEN",
    )
    assert task.body == "Your technician is on the way."
    assert (await stored(db, message_id)).status is M.SENT


# --- the send policy -------------------------------------------------------------------


async def test_outside_the_window_it_is_deferred_not_dropped(db, clock, sender) -> None:
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))  # 22:00 the evening before, in LA
    message_id = await queue(db, clock, await a_customer(db, clock))
    assert await dispatch(db, clock, sender) == DispatchReport(deferred=1)
    message = await stored(db, message_id)
    morning = datetime(2024, 3, 5, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert (message.status, message.scheduled_for, message.attempts) == (M.SCHEDULED, morning, 0)
    clock.set(morning)
    assert await dispatch(db, clock, sender) == DispatchReport(sent=1)
    assert sender.sent == [(message_id, morning)]


async def test_marketing_needs_consent(db, clock, sender) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock), purpose=Purpose.MARKETING)
    assert await dispatch(db, clock, sender) == DispatchReport(suppressed=1)
    message = await stored(db, message_id)
    assert message.status is M.SUPPRESSED and "consent" in (message.last_error or "")
    assert (message.attempts, sender.sent) == (0, [])


async def test_the_frequency_cap_defers_marketing(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        await record_marketing_flag(uow, SYSTEM, clock, customer, True, "web form")
        customer.set_preferences(ContactPreferences(frequency=Frequency.MINIMAL))
        await uow.customers.update(customer)
        await uow.commit()
    first = await queue(db, clock, customer_id, "m1", purpose=Purpose.MARKETING)
    second = await queue(db, clock, customer_id, "m2", purpose=Purpose.MARKETING)
    assert await dispatch(db, clock, sender) == DispatchReport(sent=1, deferred=1)
    assert sender.sent_ids() == [first]
    assert (await stored(db, second)).scheduled_for == clock.now() + timedelta(days=7)


async def test_sending_moves_the_follow_up_along(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        follow_up = await uow.follow_ups.add(
            FollowUp.open(job_id, customer_id, clock.now(), clock.now())
        )
        await uow.commit()
    assert follow_up.id is not None and follow_up.status is FollowUpStatus.SCHEDULED
    await queue(db, clock, customer_id, "ok", follow_up_id=follow_up.id)
    await dispatch(db, clock, sender)
    assert db.rows("follow_ups")[0].status is FollowUpStatus.SENT


async def test_a_final_failure_fails_the_follow_up(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        follow_up = await uow.follow_ups.add(
            FollowUp.open(job_id, customer_id, clock.now(), clock.now())
        )
        await uow.commit()
    await queue(db, clock, customer_id, "bad", follow_up_id=follow_up.id)
    sender.fail_with = [SendError(False, "refused")]
    await dispatch(db, clock, sender)
    assert db.rows("follow_ups")[0].status is FollowUpStatus.FAILED


async def test_the_current_contact_detail_is_used(db, clock, sender) -> None:
    customer_id = await a_customer(db, clock)
    message_id = await queue(db, clock, customer_id)
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        customer.details.phone = "+14155550999"
        await uow.customers.update(customer)
        await uow.commit()
    await dispatch(db, clock, sender)
    assert (await stored(db, message_id)).recipient == "+14155550999"


# --- reconciliation --------------------------------------------------------------------


async def abandon(db: FakeDatabase, clock: FakeClock, message_id: int, provider_id: str | None):
    """A worker claims the message (and maybe records a provider id), then dies."""
    async with db.uow() as uow:
        message = await uow.messages.claim(message_id, clock.now())
        assert message is not None
        if provider_id is not None:
            message.provider_message_id = provider_id
            assert await uow.messages.update_if_status(message, M.SENDING)
        await uow.commit()


async def test_reconcile_marks_an_unknown_outcome_for_review_and_never_resends(
    db, clock, sender
) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    await abandon(db, clock, message_id, None)
    clock.advance(minutes=5)
    assert await reconcile_stuck(db.uow, clock, sender, timedelta(minutes=10)) == 0
    assert (await stored(db, message_id)).status is M.SENDING  # not stale yet
    clock.advance(minutes=6)
    assert await reconcile_stuck(db.uow, clock, sender, timedelta(minutes=10)) == 1
    message = await stored(db, message_id)
    assert message.status is M.NEEDS_REVIEW and "outcome unknown" in (message.last_error or "")
    assert await dispatch(db, clock, sender) == DispatchReport()
    assert sender.sent == [] and sender.status_queries == []


@pytest.mark.parametrize(
    ("provider_says", "expected"),
    [
        (M.DELIVERED, M.DELIVERED),
        (M.SENT, M.SENT),
        (M.FAILED, M.FAILED),
        (M.SENDING, M.SENT),
        (None, M.NEEDS_REVIEW),
    ],
)
async def test_reconcile_asks_the_provider_when_it_has_an_id(
    db, clock, sender, provider_says, expected
) -> None:
    message_id = await queue(db, clock, await a_customer(db, clock))
    await abandon(db, clock, message_id, "SMabc")
    if provider_says is not None:
        sender.statuses["SMabc"] = provider_says
    clock.advance(minutes=11)
    assert await reconcile_stuck(db.uow, clock, sender, timedelta(minutes=10)) == 1
    message = await stored(db, message_id)
    assert message.status is expected
    assert (message.sent_at is not None) == (expected in (M.SENT, M.DELIVERED))
    assert sender.status_queries == ["SMabc"] and sender.sent == []


async def test_a_send_that_finishes_after_reconciliation_is_recorded(db, clock) -> None:
    """A slow send outlives `stale_after`: the reconciler marks the message for review, then
    the send returns — the SENT result (and its id) wins over the review mark."""
    message_id = await queue(db, clock, await a_customer(db, clock))
    release = asyncio.Event()

    class SlowSender(FakeSender):
        async def send(self, message: Message) -> Any:
            await release.wait()
            return await super().send(message)

    slow = SlowSender(clock)
    task = asyncio.create_task(send_one(db.uow, clock, slow, QUIET, message_id))
    await asyncio.sleep(0)
    clock.advance(minutes=30)
    assert await reconcile_stuck(db.uow, clock, slow, timedelta(minutes=10)) == 1
    release.set()
    assert await task == Outcome.SENT
    message = await stored(db, message_id)
    assert message.status is M.SENT and message.provider_message_id and not message.last_error


# --- never outside the allowed window (time zones, DST) ---------------------------------

ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kathmandu",  # +05:45, no DST
    "UTC",
]
# Instants near the 2024 DST changes of these zones, and anywhere in 2024.
DST_2024 = [
    datetime(2024, 3, 10, 10, tzinfo=UTC),
    datetime(2024, 3, 31, 1, tzinfo=UTC),
    datetime(2024, 4, 6, 15, tzinfo=UTC),
    datetime(2024, 10, 5, 16, tzinfo=UTC),
    datetime(2024, 10, 27, 1, tzinfo=UTC),
    datetime(2024, 11, 3, 9, tzinfo=UTC),
]
instants = st.one_of(
    st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(DST_2024),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
    ),
    st.datetimes(datetime(2024, 1, 1), datetime(2024, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
)
slot_sets = st.frozensets(st.sampled_from(list(DaySlot)), min_size=1)
wall = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    times=st.none() | st.builds(ContactTimes, slot_sets, slot_sets),
    quiet=st.just(QUIET) | st.builds(QuietHours, wall, wall),
    channel=st.sampled_from([ContactMethod.SMS, ContactMethod.EMAIL, ContactMethod.WHATSAPP]),
    start=instants,
    jitters=st.lists(st.integers(0, 600), min_size=6, max_size=6),
)
def test_dispatch_never_sends_outside_the_allowed_window(
    zone: str,
    times: ContactTimes | None,
    quiet: QuietHours,
    channel: ContactMethod,
    start: datetime,
    jitters: list[int],
) -> None:
    asyncio.run(_window_scenario(zone, times, quiet, channel, start, jitters))


async def _window_scenario(
    zone: str,
    times: ContactTimes | None,
    quiet: QuietHours,
    channel: ContactMethod,
    start: datetime,
    jitters: list[int],
) -> None:
    db, clock = FakeDatabase(), FakeClock(start)
    sender = FakeSender(clock, pause=False)
    customer_id = await a_customer(db, clock, time_zone=zone)
    await _set_times(db, customer_id, times)
    message_id = await queue(db, clock, customer_id, channel=channel)
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
    assert customer is not None
    exactly_due = False
    for jitter in [*jitters, 0]:  # a worker wakes up at the due time, or some minutes later
        report = await dispatch_due(db.uow, clock, sender, quiet)
        if report.sent or report.suppressed:
            break
        # Deferred to an instant the policy allows: a worker waking exactly then sends.
        assert report.deferred == 1 and not exactly_due
        message = await stored(db, message_id)
        clock.set(message.scheduled_for + timedelta(seconds=jitter))
        exactly_due = jitter == 0
    for _, instant in sender.sent:
        assert instant is not None
        assert customer.may_contact(instant, channel, quiet), (instant, zone)
    final = await stored(db, message_id)
    if final.status is M.SENT:
        assert final.sent_at is not None and customer.may_contact(final.sent_at, channel, quiet)


async def _set_times(db: FakeDatabase, customer_id: int, times: ContactTimes | None) -> None:
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        customer.set_preferences(ContactPreferences(times=times))
        await uow.customers.update(customer)
        await uow.commit()
