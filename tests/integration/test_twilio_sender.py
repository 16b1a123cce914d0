"""TwilioSender through the real twilio SDK, against a loopback fake of the Messages API."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.messaging.twilio.sender import TEMPLATE_REQUIRED, TwilioConfig, TwilioSender
from application.outbox.dispatch import dispatch_due
from application.outbox.enqueue import enqueue
from application.outbox.outcome import DispatchReport
from application.ports.outbox import SendError
from domain.contact_preferences import ContactMethod, QuietHours
from domain.messaging.message import Message, MessageStatus, Purpose, compose
from tests.fakes import FakeClock, FakeDatabase
from tests.integration.fake_twilio import Failure, FakeTwilio, LoopbackHttpClient, running
from tests.unit.builders import a_customer

CUSTOMER = "+14155550123"
FROM = "+15005550006"
WHATSAPP_FROM = "+14155238886"
CALLBACK = "https://crm.example.com/webhooks/twilio/status"
TEMPLATE = "HX" + "b" * 32


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with running() as fake:
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


def make_sender(fake: FakeTwilio, clock: FakeClock, timeout: float = 5, **config: Any):
    fields: dict[str, Any] = {
        "account_sid": fake.account_sid,
        "auth_token": fake.auth_token,
        "status_callback_url": CALLBACK,
        "from_number": FROM,
        "whatsapp_from": WHATSAPP_FROM,
    }
    return TwilioSender(
        TwilioConfig(**(fields | config)),
        clock,
        http_client=LoopbackHttpClient(fake.url, timeout=timeout),
    )


def a_message(channel: ContactMethod = ContactMethod.SMS, body: str = "See you at 10.") -> Message:
    now = datetime.now(UTC)
    return Message(
        customer_id=1,
        purpose=Purpose.TRANSACTIONAL,
        channel=channel,
        recipient=CUSTOMER,
        body=body,
        language="en",
        scheduled_for=now,
        idempotency_key="k",
        created_at=now,
        updated_at=now,
        status=MessageStatus.SENDING,
        attempts=1,
        id=7,
    )


async def test_sms_from_a_number_with_the_status_callback(fake, clock) -> None:
    result = await make_sender(fake, clock).send(a_message())
    [created] = fake.created
    assert result.provider_message_id == created.sid and created.sid.startswith("SM")
    assert result.status is MessageStatus.SENT  # Twilio's "queued"
    assert (created.to, created.from_, created.body) == (CUSTOMER, FROM, "See you at 10.")
    assert created.status_callback == CALLBACK and created.messaging_service_sid is None


async def test_sms_through_a_messaging_service(fake, clock) -> None:
    sender = make_sender(fake, clock, messaging_service_sid="MG" + "c" * 32)
    await sender.send(a_message())
    [created] = fake.created
    assert created.messaging_service_sid == "MG" + "c" * 32 and created.from_ is None


async def test_whatsapp_inside_the_session_window_sends_free_text(fake, clock) -> None:
    fake.receive(f"whatsapp:{CUSTOMER}", f"whatsapp:{WHATSAPP_FROM}", "hi", clock.now())
    await make_sender(fake, clock).send(a_message(ContactMethod.WHATSAPP))
    [created] = fake.created
    assert (created.to, created.from_) == (f"whatsapp:{CUSTOMER}", f"whatsapp:{WHATSAPP_FROM}")
    assert created.body == "See you at 10." and created.content_sid is None


async def test_whatsapp_outside_the_window_uses_the_approved_template(fake, clock) -> None:
    old = clock.now() - timedelta(hours=25)
    fake.receive(f"whatsapp:{CUSTOMER}", f"whatsapp:{WHATSAPP_FROM}", "hi", old)
    sender = make_sender(fake, clock, whatsapp_template_sid=TEMPLATE)
    await sender.send(a_message(ContactMethod.WHATSAPP))
    [created] = fake.created
    assert created.content_sid == TEMPLATE and created.body is None
    assert json.loads(created.content_variables or "") == {"1": "See you at 10."}


async def test_whatsapp_outside_the_window_without_a_template_is_refused(fake, clock) -> None:
    with pytest.raises(SendError) as refused:
        await make_sender(fake, clock).send(a_message(ContactMethod.WHATSAPP))
    assert refused.value.reason == TEMPLATE_REQUIRED and not refused.value.retryable
    assert fake.created == []


async def test_the_window_check_failing_falls_back_to_the_template(fake, clock) -> None:
    fake.fail_next = [Failure(500)]
    await make_sender(fake, clock, whatsapp_template_sid=TEMPLATE).send(
        a_message(ContactMethod.WHATSAPP)
    )
    assert [m.content_sid for m in fake.created] == [TEMPLATE]


@pytest.mark.parametrize(
    ("failure", "retryable", "unknown", "reason"),
    [
        (Failure(429, 20429, "Too Many Requests"), True, False, "Twilio 429 error 20429"),
        (Failure(503, None, "Service Unavailable"), True, False, "Twilio 503"),
        (Failure(500, 20500, "Internal Server Error"), False, True, "Twilio 500"),
        (Failure(400, 21211, "Invalid 'To' Phone Number"), False, False, "error 21211"),
        (Failure(400, 21610, "Attempt to send to unsubscribed recipient"), False, False, "21610"),
        (Failure(0, hang_up=True), False, True, "no answer from Twilio"),
        (Failure(200, delay_seconds=1.5), False, True, "no answer from Twilio"),
    ],
)
async def test_errors_say_whether_a_retry_is_safe(
    fake, clock, failure, retryable, unknown, reason
) -> None:
    fake.fail_next = [failure]
    with pytest.raises(SendError) as raised:
        await make_sender(fake, clock, timeout=0.5).send(a_message())
    error = raised.value
    assert (error.retryable, error.outcome_unknown) == (retryable, unknown)
    assert reason in error.reason and fake.auth_token not in error.reason


async def test_a_connection_refused_is_retryable(clock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nobody listens
    sender = TwilioSender(
        TwilioConfig("AC" + "a" * 32, "t" * 32, from_number=FROM),
        clock,
        http_client=LoopbackHttpClient(f"http://127.0.0.1:{port}", timeout=2),
    )
    with pytest.raises(SendError) as raised:
        await sender.send(a_message())
    assert raised.value.retryable and not raised.value.outcome_unknown


async def test_fetch_status_asks_twilio_by_sid(fake, clock) -> None:
    sender = make_sender(fake, clock)
    message = a_message()
    message.provider_message_id = (await sender.send(message)).provider_message_id
    assert await sender.fetch_status(message) is MessageStatus.SENT
    assert message.provider_message_id is not None
    fake.set_status(message.provider_message_id, "delivered")
    assert await sender.fetch_status(message) is MessageStatus.DELIVERED
    fake.set_status(message.provider_message_id, "undelivered")
    assert await sender.fetch_status(message) is MessageStatus.UNDELIVERED
    message.provider_message_id = "SM" + "f" * 32
    assert await sender.fetch_status(message) is None


async def test_dispatch_through_the_sdk_stores_the_message_sid(fake) -> None:
    db = FakeDatabase()
    clock = FakeClock(datetime(2024, 3, 4, 18, tzinfo=UTC))  # 10:00 in Los Angeles
    customer_id = await a_customer(db, clock)
    async with db.uow() as uow:
        customer = await uow.customers.get(customer_id)
        assert customer is not None
        message = await enqueue(
            uow.messages,
            compose(customer, Purpose.TRANSACTIONAL, "On our way", "k", clock.now(), clock.now()),
        )
        await uow.commit()
    report = await dispatch_due(db.uow, clock, make_sender(fake, clock), QuietHours())
    assert report == DispatchReport(sent=1)
    [stored] = db.rows("messages")
    assert stored.id == message.id and stored.provider_message_id == fake.created[0].sid
