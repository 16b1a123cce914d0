"""SMS and WhatsApp through the official Twilio SDK (synchronous: run in a thread).

Twilio's Messages API has no idempotency key, so this adapter never retries by itself and
says precisely what a failure means for the dispatcher:

- 429 and 503, and a connection that could not be opened: nothing was accepted, retryable.
- Other 4xx (bad number, unsubscribed recipient 21610, ...): refused, not retryable.
- Other 5xx and a timeout or disconnect after the request went out: Twilio may have
  accepted the message — outcome unknown, never resent (the message goes to review).

WhatsApp outside the 24-hour customer-service window needs an approved template. The
window is checked by asking Twilio for the customer's latest inbound WhatsApp message
(`GET Messages.json?From=whatsapp:<customer>`, newest first): Twilio's record is the
authority, shared by every process. Outside the window the message goes as the configured
template (`content_sid`, the body as variable "1"); with no template it is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, SSLError, Timeout
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from adapters.messaging.twilio.status_map import map_provider_status
from application.ports.clock import Clock
from application.ports.outbox import SendError, SendResult
from domain.contact_preferences import ContactMethod
from domain.messaging.masking import masked_recipient
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)
SESSION_WINDOW = timedelta(hours=24)
RETRYABLE_STATUSES = frozenset({429, 503})
TEMPLATE_REQUIRED = "WhatsApp template required outside the 24-hour window"


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    account_sid: str
    auth_token: str = field(repr=False)
    status_callback_url: str | None = None
    messaging_service_sid: str | None = None
    from_number: str | None = None
    whatsapp_from: str | None = None
    whatsapp_template_sid: str | None = None
    timeout_seconds: float = 10.0


def whatsapp(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


def _refused_connection(error: RequestsConnectionError) -> bool:
    """Whether the request never reached Twilio (the connection was not opened)."""
    if isinstance(error, ConnectTimeout | SSLError):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def send_error(error: Exception, request_sent: bool = True) -> SendError:
    """What a failed call to Twilio means: see the module docstring. `request_sent=False`
    for reads, which are always safe to repeat."""
    if isinstance(error, TwilioRestException):
        reason = f"Twilio {error.status}" + (f" error {error.code}" if error.code else "")
        reason += f": {error.msg}"[:300]
        if error.status in RETRYABLE_STATUSES:
            return SendError(True, reason)
        if error.status >= 500:
            return SendError(True, reason, outcome_unknown=request_sent)
        return SendError(False, reason)
    if isinstance(error, RequestsConnectionError) and _refused_connection(error):
        return SendError(True, f"could not connect to Twilio: {type(error).__name__}")
    if isinstance(error, RequestsConnectionError | Timeout):
        return SendError(
            True, f"no answer from Twilio: {type(error).__name__}", outcome_unknown=request_sent
        )
    return SendError(False, f"Twilio client error: {error}"[:300])


class TwilioSender:
    """MessageSender for SMS and WhatsApp."""

    def __init__(
        self, config: TwilioConfig, clock: Clock, http_client: TwilioHttpClient | None = None
    ) -> None:
        self._config = config
        self._clock = clock
        # requests' default adapter does not retry; Twilio must not be retried blindly.
        self._client = Client(
            config.account_sid,
            config.auth_token,
            http_client=http_client or TwilioHttpClient(timeout=config.timeout_seconds),
        )

    async def send(self, message: Message) -> SendResult:
        params = await self._params(message)
        try:
            created = await asyncio.to_thread(self._client.messages.create, **params)
        except (TwilioException, RequestsConnectionError, Timeout) as error:
            raise send_error(error) from error
        log.info(
            "twilio: %s message %s to %s accepted as %s (%s)",
            message.channel,
            message.id,
            masked_recipient(message),
            created.sid,
            created.status,
        )
        status = map_provider_status(created.status or "") or MessageStatus.SENT
        return SendResult(str(created.sid), status)

    def choose_id(self, message: Message) -> str | None:
        """Twilio assigns the Message SID itself."""
        return None

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        sid = message.provider_message_id
        if not sid:
            return None
        try:
            fetched = await asyncio.to_thread(self._client.messages(sid).fetch)
        except TwilioRestException as error:
            if error.status == 404:
                return None
            raise
        return map_provider_status(fetched.status or "")

    async def _params(self, message: Message) -> dict[str, Any]:
        c = self._config
        params: dict[str, Any] = {}
        if c.status_callback_url:
            params["status_callback"] = c.status_callback_url
        if message.channel is ContactMethod.SMS:
            if c.messaging_service_sid:
                params["messaging_service_sid"] = c.messaging_service_sid
            elif c.from_number:
                params["from_"] = c.from_number
            else:
                raise SendError(False, "no Twilio SMS sender configured")
            return params | {"to": message.recipient, "body": message.body}
        if message.channel is not ContactMethod.WHATSAPP:
            raise SendError(False, f"Twilio does not send {message.channel} messages")
        if c.whatsapp_from:
            params["from_"] = whatsapp(c.whatsapp_from)
        elif c.messaging_service_sid:
            params["messaging_service_sid"] = c.messaging_service_sid
        else:
            raise SendError(False, "no Twilio WhatsApp sender configured")
        params["to"] = whatsapp(message.recipient)
        if await self._in_session(message):
            return params | {"body": message.body}
        if c.whatsapp_template_sid is None:
            raise SendError(False, TEMPLATE_REQUIRED)
        return params | {
            "content_sid": c.whatsapp_template_sid,
            "content_variables": json.dumps({"1": message.body}),
        }

    async def _in_session(self, message: Message) -> bool:
        """Did the customer write to us on WhatsApp in the last 24 hours?"""
        since = self._clock.now() - SESSION_WINDOW
        query: dict[str, Any] = {
            "from_": whatsapp(message.recipient),
            "date_sent_after": since,
            "limit": 1,
        }
        if self._config.whatsapp_from:
            query["to"] = whatsapp(self._config.whatsapp_from)
        try:
            latest = await asyncio.to_thread(self._client.messages.list, **query)
        except (TwilioException, RequestsConnectionError, Timeout) as error:
            if self._config.whatsapp_template_sid is not None:
                return False  # the template is allowed in or out of the window
            raise send_error(error, request_sent=False) from error
        return any(m.date_sent is not None and m.date_sent >= since for m in latest)
