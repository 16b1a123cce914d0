"""SmtpEmailSender against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message as EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from adapters.messaging.smtp_sender import SmtpConfig, SmtpEmailSender
from application.ports.outbox import SendError
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus, Purpose

SHOP = "Acme Repairs <office@acme.example>"


class Recorder:
    """Keeps every mail; `rcpt_reply` / `data_reply` make the server refuse instead."""

    def __init__(self) -> None:
        self.mails: list[tuple[Envelope, EmailMessage]] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        content = envelope.content
        assert isinstance(content, bytes)
        self.mails.append((envelope, email.message_from_bytes(content)))
        return "250 Message accepted for delivery"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"crm", b"s3cret")
    return AuthResult(success=ok, handled=False)  # False: the server answers 535 itself


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN"],  # PLAIN only: a refused login answers at once
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def sender(port: int, **changes: Any) -> SmtpEmailSender:
    fields: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "from_address": SHOP,
        "starttls": False,
        "timeout_seconds": 5,
        "subject": "A message from Acme Repairs",
    }
    return SmtpEmailSender(SmtpConfig(**(fields | changes)))


def an_email(body: str = "Your fridge is due for a check-up.") -> Message:
    now = datetime.now(UTC)
    return Message(
        customer_id=1,
        purpose=Purpose.MARKETING,
        channel=ContactMethod.EMAIL,
        recipient="ada@example.com",
        body=body,
        language="es-MX",
        scheduled_for=now,
        idempotency_key="k",
        created_at=now,
        updated_at=now,
        status=MessageStatus.SENDING,
        id=3,
    )


async def test_an_email_is_delivered_to_the_server(smtp) -> None:
    recorder, port = smtp
    result = await sender(port).send(an_email("Hola Ada — ¿todo bien?"))
    [(envelope, mail)] = recorder.mails
    assert envelope.mail_from == "office@acme.example"
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert mail["Subject"] == "A message from Acme Repairs" and mail["From"] == SHOP
    assert mail["Content-Language"] == "es-MX"
    token = result.provider_message_id.removeprefix("smtp-")
    assert mail["Message-ID"] == f"<{token}@acme.example>" and len(result.provider_message_id) < 64
    assert mail.get_payload(decode=True).decode().strip() == "Hola Ada — ¿todo bien?"
    assert result.status is MessageStatus.SENT


async def test_login_when_credentials_are_configured(smtp) -> None:
    recorder, port = smtp
    await sender(port, username="crm", password="s3cret").send(an_email())
    assert len(recorder.mails) == 1
    with pytest.raises(SendError) as refused:
        await sender(port, username="crm", password="wrong").send(an_email())
    assert not refused.value.retryable and "535" in refused.value.reason


@pytest.mark.parametrize(
    ("where", "reply", "retryable"),
    [
        ("rcpt_reply", "550 5.1.1 No such user", False),
        ("rcpt_reply", "450 4.2.1 Mailbox busy, try later", True),
        ("data_reply", "554 5.7.1 Message rejected as spam", False),
        ("data_reply", "451 4.3.0 Temporary failure", True),
    ],
)
async def test_server_refusals_say_whether_to_retry(smtp, where, reply, retryable) -> None:
    recorder, port = smtp
    setattr(recorder, where, reply)
    with pytest.raises(SendError) as refused:
        await sender(port).send(an_email())
    assert refused.value.retryable is retryable and not refused.value.outcome_unknown
    assert reply[:3] in refused.value.reason and recorder.mails == []


async def test_starttls_required_but_not_offered_is_a_setup_error(smtp) -> None:
    _, port = smtp
    with pytest.raises(SendError) as refused:
        await sender(port, starttls=True).send(an_email())
    assert not refused.value.retryable


async def test_a_server_that_is_not_there_is_retryable() -> None:
    with pytest.raises(SendError) as refused:
        await sender(free_port()).send(an_email())
    assert refused.value.retryable and not refused.value.outcome_unknown


async def test_only_email_goes_through_smtp(smtp) -> None:
    _, port = smtp
    sms = an_email()
    sms.channel = ContactMethod.SMS
    with pytest.raises(SendError):
        await sender(port).send(sms)
    assert await sender(port).fetch_status(an_email()) is None
