"""Provider callbacks: statuses only forward, repeats harmless; STOP/START/HELP; replies."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.messaging.twilio.status_map import map_provider_status
from adapters.messaging.twilio.webhook import CONSENT_SOURCE, inbound_sender
from application.outbox.callbacks import CallbackOutcome, apply_status_callback
from application.outbox.dispatch import dispatch_due
from application.outbox.inbound import handle_inbound
from application.outbox.outcome import DispatchReport
from domain.contact_preferences import ContactMethod, QuietHours
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import RANK, TERMINAL, MessageStatus, Purpose
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_customer, a_job
from tests.unit.test_dispatch import DAYTIME, queue, stored

M = MessageStatus
PHONE = "+14155550123"  # the builders' customer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DAYTIME)


async def a_sent_message(db: FakeDatabase, clock: FakeClock, key: str = "k") -> tuple[int, str]:
    """A message dispatched through the fake sender: (id, provider id)."""
    customer_ids = [c.id for c in db.rows("customers")] or [await a_customer(db, clock)]
    message_id = await queue(db, clock, customer_ids[0], key)
    await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    message = await stored(db, message_id)
    assert message.status is M.SENT and message.provider_message_id
    return message_id, message.provider_message_id


async def callback(db, clock, sid: str, status: str, token: str | None = None) -> str:
    return await apply_status_callback(db.uow, clock, sid, map_provider_status(status), token)


# --- status callbacks ------------------------------------------------------------------


def test_twilio_statuses_map_onto_ours() -> None:
    assert {s: map_provider_status(s) for s in ("queued", "sending", "sent", "accepted")} == {
        "queued": M.SENT,
        "sending": M.SENT,
        "sent": M.SENT,
        "accepted": M.SENT,
    }
    assert map_provider_status("Delivered") is M.DELIVERED
    assert map_provider_status("read") is M.DELIVERED
    assert map_provider_status("undelivered") is M.UNDELIVERED
    assert map_provider_status("failed") is M.FAILED
    assert map_provider_status("receiving") is None


async def test_a_status_callback_moves_the_message_forward(db, clock) -> None:
    message_id, sid = await a_sent_message(db, clock)
    assert await callback(db, clock, sid, "sent", "t1") == CallbackOutcome.UNCHANGED
    assert await callback(db, clock, sid, "delivered", "t2") == CallbackOutcome.APPLIED
    assert (await stored(db, message_id)).status is M.DELIVERED
    assert await callback(db, clock, sid, "sent", "t3") == CallbackOutcome.UNCHANGED
    assert await callback(db, clock, sid, "failed", "t4") == CallbackOutcome.UNCHANGED
    assert (await stored(db, message_id)).status is M.DELIVERED


async def test_a_repeated_webhook_is_dropped_by_its_token(db, clock) -> None:
    message_id, sid = await a_sent_message(db, clock)
    assert await callback(db, clock, sid, "undelivered", "same") == CallbackOutcome.APPLIED
    before = db.snapshot()
    assert await callback(db, clock, sid, "undelivered", "same") == CallbackOutcome.DUPLICATE
    assert db.snapshot() == before
    assert (await stored(db, message_id)).status is M.UNDELIVERED


async def test_a_failure_keeps_the_provider_error_code(db, clock) -> None:
    message_id, sid = await a_sent_message(db, clock)
    await apply_status_callback(db.uow, clock, sid, M.FAILED, "t", error_code="30003")
    message = await stored(db, message_id)
    assert (message.status, message.last_error) == (M.FAILED, "provider error 30003")


async def test_a_callback_for_an_unknown_message_is_ignored_and_not_remembered(db, clock) -> None:
    _, sid = await a_sent_message(db, clock)
    outcome = await callback(db, clock, "SMnope", "delivered", "tok")
    assert outcome == CallbackOutcome.UNKNOWN_MESSAGE
    assert db.rows("webhook_events") == []
    # The same delivery for a known id (e.g. the id was stored after all) still applies.
    assert await callback(db, clock, sid, "delivered", "tok") == CallbackOutcome.APPLIED


async def test_a_status_with_no_meaning_changes_nothing(db, clock) -> None:
    message_id, sid = await a_sent_message(db, clock)
    assert await callback(db, clock, sid, "receiving") == CallbackOutcome.UNKNOWN_STATUS
    assert (await stored(db, message_id)).status is M.SENT


async def test_an_undelivered_message_fails_its_follow_up(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        follow_up = await uow.follow_ups.add(
            FollowUp.open(job_id, customer_id, clock.now(), clock.now())
        )
        await uow.commit()
    message_id = await queue(db, clock, customer_id, "fu", follow_up_id=follow_up.id)
    await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    assert db.rows("follow_ups")[0].status is FollowUpStatus.SENT
    sid = (await stored(db, message_id)).provider_message_id
    assert sid is not None
    await callback(db, clock, sid, "undelivered")
    assert db.rows("follow_ups")[0].status is FollowUpStatus.FAILED


CALLBACKS = ["queued", "sending", "sent", "delivered", "read", "undelivered", "failed"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(CALLBACKS), min_size=1, max_size=8).flatmap(st.permutations),
    st.booleans(),
)
def test_out_of_order_callbacks_never_move_a_message_backward(
    callbacks: list[str], with_tokens: bool
) -> None:
    asyncio.run(_out_of_order(callbacks, with_tokens))


async def _out_of_order(callbacks: list[str], with_tokens: bool) -> None:
    db, clock = FakeDatabase(), FakeClock(DAYTIME)
    message_id, sid = await a_sent_message(db, clock)
    seen = [M.SENT]
    for n, status in enumerate(callbacks):
        clock.advance(seconds=1)
        token = f"tok-{n}" if with_tokens else None
        await callback(db, clock, sid, status, token)
        seen.append((await stored(db, message_id)).status)
    ranks = [RANK[s] for s in seen]
    assert ranks == sorted(ranks), seen  # never backward
    final = seen[-1]
    reported = [map_provider_status(s) for s in callbacks]
    first_terminal = next((s for s in reported if s in TERMINAL), None)
    assert final is (first_terminal or M.SENT)  # the first final word wins, later ones bounce
    assert seen[seen.index(final) :] == [final] * (len(seen) - seen.index(final))


# --- inbound ---------------------------------------------------------------------------


async def inbound(db, clock, body: str, channel=ContactMethod.SMS, token=None, sender=PHONE):
    number = f"whatsapp:{sender}" if channel is ContactMethod.WHATSAPP else sender
    phone, _ = inbound_sender(number)
    return await handle_inbound(
        db.uow, clock, phone, body, channel, token, shop_name="Acme", source=CONSENT_SOURCE
    )


async def test_stop_then_a_scheduled_send_is_suppressed(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    message_id = await queue(db, clock, customer_id, when=clock.now() + timedelta(hours=1))
    assert await inbound(db, clock, " stop ") is None
    rows = db.rows("consent_ledger")
    assert [(r.customer_id, r.entry.channel, r.entry.purpose, r.entry.allowed) for r in rows] == [
        (customer_id, ContactMethod.SMS, Purpose.TRANSACTIONAL, False),
        (customer_id, ContactMethod.SMS, Purpose.MARKETING, False),
    ]
    assert {(r.entry.at, r.entry.source, r.entry.actor_user_id) for r in rows} == {
        (clock.now(), "sms STOP", None)
    }
    assert rows[0].entry.note == f"via {CONSENT_SOURCE}"
    clock.advance(hours=1)
    sender = FakeSender(clock)
    assert await dispatch_due(db.uow, clock, sender, QuietHours()) == DispatchReport(suppressed=1)
    message = await stored(db, message_id)
    assert message.status is M.SUPPRESSED and "consent" in (message.last_error or "")
    assert sender.sent == []


async def test_start_opts_back_in(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    await inbound(db, clock, "UNSUBSCRIBE")
    clock.advance(minutes=1)
    await inbound(db, clock, "unstop")
    await queue(db, clock, customer_id)
    report = await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    assert report == DispatchReport(sent=1)
    entries = [r.entry for r in db.rows("consent_ledger")]
    assert [(e.purpose, e.allowed, e.source) for e in entries] == [
        (Purpose.TRANSACTIONAL, False, "sms STOP"),
        (Purpose.MARKETING, False, "sms STOP"),
        (Purpose.TRANSACTIONAL, True, "sms START"),
    ]


async def test_stop_on_whatsapp_leaves_sms_alone(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    await inbound(db, clock, "STOP", ContactMethod.WHATSAPP)
    sms = await queue(db, clock, customer_id, "sms")
    wa = await queue(db, clock, customer_id, "wa", channel=ContactMethod.WHATSAPP)
    report = await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    assert report == DispatchReport(sent=1, suppressed=1)
    assert (await stored(db, sms)).status is M.SENT
    assert (await stored(db, wa)).status is M.SUPPRESSED


async def test_stop_opts_out_every_customer_with_that_number(db, clock) -> None:
    first = await a_customer(db, clock)
    second = await a_customer(db, clock, name="Ada's husband")
    await inbound(db, clock, "STOPALL")
    owners = sorted({r.customer_id for r in db.rows("consent_ledger")})
    assert owners == [first, second]


async def test_help_answers_with_the_help_text_and_changes_nothing(db, clock) -> None:
    await a_customer(db, clock)
    before = db.snapshot()
    reply = await inbound(db, clock, "help", token="h1")
    assert reply is not None and reply.startswith("Acme:") and "STOP" in reply
    assert await inbound(db, clock, "help", token="h1") == reply  # a repeat gets it again
    after = db.snapshot()
    assert {k: v for k, v in after.items() if k != "webhook_events"} == {
        k: v for k, v in before.items() if k != "webhook_events"
    }


async def open_follow_up(db, clock, customer_id: int, status: FollowUpStatus) -> int:
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        follow_up = FollowUp.open(job_id, customer_id, None, clock.now())
        follow_up.status = status
        follow_up = await uow.follow_ups.add(follow_up)
        await uow.commit()
    assert follow_up.id is not None
    return follow_up.id


async def feedback_of(db, follow_up_id: int) -> str | None:
    async with db.uow() as uow:
        follow_up = await uow.follow_ups.get(follow_up_id)
    assert follow_up is not None
    return follow_up.feedback


async def test_a_reply_is_stored_on_the_latest_follow_up_we_contacted_them_about(db, clock):
    customer_id = await a_customer(db, clock)
    sent = await open_follow_up(db, clock, customer_id, FollowUpStatus.SENT)
    pending = await open_follow_up(db, clock, customer_id, FollowUpStatus.PENDING)
    done = await open_follow_up(db, clock, customer_id, FollowUpStatus.COMPLETED)
    assert await inbound(db, clock, "Fridge works great, thanks!", token="r1") is None
    assert await inbound(db, clock, "Fridge works great, thanks!", token="r1") is None  # repeat
    await inbound(db, clock, "One more thing: the door squeaks.", token="r2")
    assert await feedback_of(db, sent) == (
        "Fridge works great, thanks!\nOne more thing: the door squeaks."
    )
    assert await feedback_of(db, pending) is None and await feedback_of(db, done) is None


async def test_without_a_contacted_follow_up_the_latest_open_one_gets_the_reply(db, clock):
    customer_id = await a_customer(db, clock)
    older = await open_follow_up(db, clock, customer_id, FollowUpStatus.SCHEDULED)
    newer = await open_follow_up(db, clock, customer_id, FollowUpStatus.PENDING)
    await open_follow_up(db, clock, customer_id, FollowUpStatus.CANCELLED)
    await inbound(db, clock, "Can you come Tuesday?")
    assert await feedback_of(db, newer) == "Can you come Tuesday?"
    assert await feedback_of(db, older) is None


async def test_a_reply_with_no_open_follow_up_is_ignored(db, clock) -> None:
    customer_id = await a_customer(db, clock)
    await open_follow_up(db, clock, customer_id, FollowUpStatus.COMPLETED)
    before = db.snapshot()
    await inbound(db, clock, "hello?")
    assert db.snapshot() == before


async def test_an_unknown_number_is_ignored_and_not_logged_in_full(db, clock, caplog) -> None:
    await a_customer(db, clock)
    before = db.snapshot()
    with caplog.at_level(logging.INFO):
        assert await inbound(db, clock, "STOP", sender="+447700900123") is None
    assert db.snapshot() == before
    assert "+447700900123" not in caplog.text and "+44" in caplog.text


async def test_a_very_long_token_is_still_deduplicated(db, clock) -> None:
    _, sid = await a_sent_message(db, clock)
    token = "x" * 500
    assert await callback(db, clock, sid, "delivered", token) == CallbackOutcome.APPLIED
    assert await callback(db, clock, sid, "delivered", token) == CallbackOutcome.DUPLICATE
    [stored_token] = db.tables["webhook_events"]
    assert len(stored_token) <= 200
