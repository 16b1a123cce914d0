"""Messaging settings from the environment, and the sender the container picks from them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from adapters.messaging.console import ConsoleSender
from adapters.messaging.router import ChannelRouter
from adapters.messaging.smtp_sender import SmtpEmailSender
from adapters.messaging.twilio.sender import TwilioSender
from application.access import SYSTEM
from application.messaging import messages
from application.ports.outbox import SendError
from domain.contact_preferences import ContactMethod, QuietHours
from domain.errors import Conflict
from domain.messaging.message import Message, MessageStatus, Purpose
from entrypoints.container import build_container
from entrypoints.settings import MessagingSettings, Settings, SettingsError
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer
from tests.unit.test_dispatch import DAYTIME, queue

TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "super-secret-token",
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "2" * 32,
    "PUBLIC_BASE_URL": "https://crm.example.com/",
}
SMTP = {
    "SMTP_HOST": "smtp.example.com",
    "SMTP_FROM": "Acme <office@acme.example>",
    "SMTP_USERNAME": "crm",
    "SMTP_PASSWORD": "smtp-secret",
}


def test_defaults_send_through_the_console() -> None:
    settings = Settings.from_env({})
    assert settings.messaging == MessagingSettings()
    assert settings.messaging.max_attempts == 5 and settings.quiet_hours == QuietHours()
    container = build_container(settings)
    assert isinstance(container.message_sender(), ConsoleSender)
    assert container.quiet_hours() == QuietHours()


def test_twilio_and_smtp_variables_are_read_and_secrets_never_shown() -> None:
    env = TWILIO | SMTP | {"SMTP_PORT": "2525", "SMTP_STARTTLS": "no", "MESSAGE_MAX_ATTEMPTS": "3"}
    messaging = Settings.from_env(env).messaging
    assert messaging.twilio is not None and messaging.smtp is not None
    assert messaging.twilio.public_base_url == "https://crm.example.com"
    assert messaging.twilio.status_callback_url == (
        "https://crm.example.com/webhooks/twilio/status"
    )
    assert (messaging.smtp.port, messaging.smtp.starttls, messaging.max_attempts) == (
        2525,
        False,
        3,
    )
    assert "super-secret-token" not in repr(messaging) and "smtp-secret" not in repr(messaging)


def test_the_container_routes_channels_to_their_providers() -> None:
    sender = build_container(Settings.from_env(TWILIO | SMTP)).message_sender()
    assert isinstance(sender, ChannelRouter)
    assert isinstance(sender.sender_for(ContactMethod.SMS), TwilioSender)
    assert isinstance(sender.sender_for(ContactMethod.WHATSAPP), TwilioSender)
    assert isinstance(sender.sender_for(ContactMethod.EMAIL), SmtpEmailSender)


def test_a_channel_without_a_provider_is_refused_in_production() -> None:
    env = SMTP | {"FIELDCRM_ENV": "production", "JWT_SECRET": "x" * 40}
    sender = build_container(Settings.from_env(env)).message_sender()
    assert isinstance(sender, ChannelRouter)
    with pytest.raises(SendError):
        sender.sender_for(ContactMethod.SMS)
    development = build_container(Settings.from_env(SMTP)).message_sender()
    assert isinstance(development, ChannelRouter)
    assert isinstance(development.sender_for(ContactMethod.SMS), ConsoleSender)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TWILIO_ACCOUNT_SID": "AC1"}, "TWILIO_AUTH_TOKEN"),
        ({"TWILIO_AUTH_TOKEN": "t"}, "TWILIO_ACCOUNT_SID"),
        (TWILIO | {"TWILIO_ACCOUNT_SID": "XX1"}, "TWILIO_ACCOUNT_SID"),
        (TWILIO | {"TWILIO_MESSAGING_SERVICE_SID": ""}, "TWILIO_MESSAGING_SERVICE_SID"),
        (TWILIO | {"TWILIO_MESSAGING_SERVICE_SID": "XY"}, "TWILIO_MESSAGING_SERVICE_SID"),
        (TWILIO | {"TWILIO_FROM_NUMBER": "555-1234"}, "TWILIO_FROM_NUMBER"),
        (TWILIO | {"TWILIO_WHATSAPP_FROM": "whatsapp:12"}, "TWILIO_WHATSAPP_FROM"),
        (TWILIO | {"TWILIO_WHATSAPP_TEMPLATE_SID": "abc"}, "TWILIO_WHATSAPP_TEMPLATE_SID"),
        (TWILIO | {"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL"),
        (TWILIO | {"PUBLIC_BASE_URL": "crm.example.com"}, "PUBLIC_BASE_URL"),
        (TWILIO | {"TWILIO_TIMEOUT_SECONDS": "0"}, "TWILIO_TIMEOUT_SECONDS"),
        ({"SMTP_HOST": "smtp.example.com"}, "SMTP_FROM"),
        (SMTP | {"SMTP_FROM": "not an address"}, "SMTP_FROM"),
        (SMTP | {"SMTP_PORT": "70000"}, "SMTP_PORT"),
        (SMTP | {"SMTP_PASSWORD": ""}, "SMTP_PASSWORD"),
        (SMTP | {"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
        ({"MESSAGE_MAX_ATTEMPTS": "0"}, "MESSAGE_MAX_ATTEMPTS"),
    ],
)
def test_bad_messaging_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert refused.value.variable == variable
    assert "super-secret-token" not in str(refused.value)


async def test_the_console_sender_records_and_logs_masked(caplog) -> None:
    now = datetime.now(UTC)
    message = Message(
        1,
        Purpose.TRANSACTIONAL,
        ContactMethod.SMS,
        "+14155550123",
        "Hello",
        "en",
        now,
        "k",
        now,
        now,
        id=9,
    )
    sender = ConsoleSender()
    with caplog.at_level(logging.INFO):
        first = await sender.send(message)
        second = await sender.send(message)
    assert (first.provider_message_id, second.provider_message_id) == ("console-1", "console-2")
    assert [r.body for r in sender.records] == ["Hello", "Hello"]
    assert "+14155550123" not in caplog.text and "+14*" in caplog.text
    message.provider_message_id = "console-2"
    assert await sender.fetch_status(message) is MessageStatus.SENT


async def test_cancel_after_a_claim_is_a_conflict_and_a_cancelled_message_is_never_claimed():
    db, clock = FakeDatabase(), FakeClock(DAYTIME)
    customer_id = await a_customer(db, clock)
    claimed_first = await queue(db, clock, customer_id, "a")
    cancelled_first = await queue(db, clock, customer_id, "b")
    async with db.uow() as uow:
        assert await uow.messages.claim(claimed_first, clock.now()) is not None
        await uow.commit()
    with pytest.raises(Conflict):
        await messages.cancel_message(SYSTEM, db.uow(), clock, claimed_first)
    cancelled = await messages.cancel_message(SYSTEM, db.uow(), clock, cancelled_first)
    assert cancelled.status is MessageStatus.CANCELLED
    async with db.uow() as uow:
        assert await uow.messages.claim(cancelled_first, clock.now() + timedelta(days=1)) is None
