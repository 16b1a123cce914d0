"""Email through SMTP with aiosmtplib.

Failures are classified like Twilio's: a connection that could not be opened or a 4xx
reply (the server says "try later" and took nothing) is retryable; a 5xx reply is a
refusal; a timeout or disconnect mid-conversation may have left the message accepted
(the server may have queued it after the final dot), so its outcome is unknown.
"""

from __future__ import annotations

import logging
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from application.ports.outbox import SendError, SendResult
from domain.contact_preferences import ContactMethod
from domain.messaging.masking import masked_recipient
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)
IMPLICIT_TLS_PORT = 465
ID_PREFIX = "smtp-"


def _token() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    from_address: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    timeout_seconds: float = 10.0
    subject: str = "A message from the shop"
    tls_context: ssl.SSLContext | None = None


def _by_code(code: int, reason: str) -> SendError:
    return SendError(400 <= code < 500, f"SMTP {code}: {reason}"[:300])


def send_error(error: Exception) -> SendError:
    """What a failed SMTP conversation means for the message (see the module docstring)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        first = error.recipients[0]
        return _by_code(first.code, first.message)
    if isinstance(error, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPConnectTimeoutError):
        return SendError(True, f"could not connect to the SMTP server: {error}"[:300])
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return _by_code(error.code, error.message)
    if isinstance(error, aiosmtplib.SMTPNotSupported | ssl.SSLError):
        return SendError(False, f"SMTP server setup: {error}"[:300])
    if isinstance(error, aiosmtplib.SMTPTimeoutError | aiosmtplib.SMTPServerDisconnected):
        return SendError(True, f"SMTP conversation cut: {error}"[:300], outcome_unknown=True)
    if isinstance(error, OSError):
        return SendError(True, f"could not reach the SMTP server: {error}"[:300])
    return SendError(False, f"SMTP error: {error}"[:300])


class SmtpEmailSender:
    """MessageSender for EMAIL. Its provider id is `smtp-<hex>`, also the Message-ID's
    local part, so a delivered mail can be matched to the outbox row."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "localhost"
        self._domain = domain

    def _email(self, message: Message, token: str) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self._config.from_address
        email["To"] = message.recipient
        email["Subject"] = self._config.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = f"<{token}@{self._domain}>"
        email.set_content(message.body)  # (replaces any Content-* header set before it)
        email["Content-Language"] = message.language
        return email

    async def send(self, message: Message) -> SendResult:
        if message.channel is not ContactMethod.EMAIL:
            raise SendError(False, f"SMTP does not send {message.channel} messages")
        chosen = message.provider_message_id or ""
        token = chosen.removeprefix(ID_PREFIX) if chosen.startswith(ID_PREFIX) else _token()
        c = self._config
        try:
            await aiosmtplib.send(
                self._email(message, token),
                hostname=c.host,
                port=c.port,
                username=c.username,
                password=c.password,
                # 465 is implicit TLS (SMTPS); elsewhere STARTTLS as configured.
                use_tls=c.port == IMPLICIT_TLS_PORT,
                start_tls=c.starttls and c.port != IMPLICIT_TLS_PORT,
                timeout=c.timeout_seconds,
                tls_context=c.tls_context,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise send_error(error) from error
        log.info("smtp: message %s to %s accepted", message.id, masked_recipient(message))
        return SendResult(ID_PREFIX + token)

    def choose_id(self, message: Message) -> str | None:
        """`smtp-<hex>`: the Message-ID's local part is the hex, known before sending."""
        return ID_PREFIX + _token()

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        """SMTP cannot be asked afterwards; a stuck email goes to review."""
        return None
