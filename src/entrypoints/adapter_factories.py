"""Adapters built from a group of settings: what the container's providers call when an
adapter needs more than its settings' values passed through."""

from __future__ import annotations

import logging
import secrets

from pydantic import SecretStr
from redis.asyncio import Redis

from adapters.llm.openai_client import OpenAiLlmClient
from adapters.messaging.paced import PacedSender, Pacer, SendPace
from adapters.messaging.redis_pacer import RedisPacer
from adapters.messaging.router import ChannelRouter
from adapters.messaging.smtp_sender import SmtpConfig, SmtpEmailSender
from adapters.messaging.twilio.sender import TwilioConfig, TwilioSender
from application.ports.clock import Clock
from application.ports.outbox import MessageSender
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message
from entrypoints.settings import LlmSettings, SmtpSettings, TwilioSettings

log = logging.getLogger(__name__)


def reveal(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


def jwt_secret(configured: SecretStr | None) -> str:
    if configured is not None:
        return configured.get_secret_value()
    # `fieldcrm serve` replaces this with the install secret from the database; an app
    # built another way (a script, a test) gets a secret of its own.
    log.warning(
        "JWT_SECRET is not set and no install secret was given: using a random secret for "
        "this process only; its tokens stop working when it restarts."
    )
    return secrets.token_urlsafe(48)


def redis_client(url: str, timeout_seconds: int) -> Redis:
    """Short socket timeouts (REDIS_TIMEOUT_SECONDS, 1 s by default): a Redis that stops
    answering costs a request that long (the cache then misses and the rate limits fall back
    to memory), not minutes."""
    return Redis.from_url(
        url, socket_connect_timeout=timeout_seconds, socket_timeout=timeout_seconds
    )


def openai_client(llm: LlmSettings) -> OpenAiLlmClient:
    return OpenAiLlmClient(
        api_key=reveal(llm.api_key) or "not-needed",
        model=llm.model,
        base_url=llm.base_url,
        timeout_seconds=llm.timeout_seconds,
        max_retries=llm.max_retries,
    )


def send_pace(per_second: float, redis: Redis | None, namespace: str) -> SendPace:
    """`per_second` sends per sender: shared by every process through Redis when there is
    one (REDIS_URL), else kept by this process."""
    own = Pacer(per_second)
    return own if redis is None else RedisPacer(redis, per_second, namespace, own)


def twilio_sender(
    twilio: TwilioSettings | None,
    clock: Clock,
    redis: Redis | None = None,
    namespace: str = "fieldcrm",
) -> MessageSender | None:
    """Twilio, paced per sending number / messaging service when TWILIO_SENDS_PER_SECOND
    (across processes with REDIS_URL)."""
    if twilio is None:
        return None
    config = TwilioConfig(
        **twilio.model_dump(
            exclude={"auth_token", "auth_token_previous", "public_base_url", "sends_per_second"}
        ),
        auth_token=twilio.auth_token.get_secret_value(),
        status_callback_url=twilio.status_callback_url,
    )
    sender = TwilioSender(config, clock)
    if not twilio.sends_per_second:
        return sender

    def from_(message: Message) -> str:
        if message.channel is ContactMethod.WHATSAPP and twilio.whatsapp_from:
            return f"whatsapp:{twilio.whatsapp_from}"
        return twilio.messaging_service_sid or twilio.from_number or "twilio"

    return PacedSender(sender, send_pace(twilio.sends_per_second, redis, namespace), from_)


def smtp_sender(
    smtp: SmtpSettings | None,
    shop_name: str,
    redis: Redis | None = None,
    namespace: str = "fieldcrm",
) -> MessageSender | None:
    """SMTP, paced per server when SMTP_SENDS_PER_SECOND (across processes with REDIS_URL)."""
    if smtp is None:
        return None
    config = SmtpConfig(
        **smtp.model_dump(exclude={"password", "sends_per_second"}),
        password=reveal(smtp.password),
        subject=f"A message from {shop_name}",
    )
    sender = SmtpEmailSender(config)
    if not smtp.sends_per_second:
        return sender
    server = f"{smtp.host}:{smtp.port}"
    pace = send_pace(smtp.sends_per_second, redis, namespace)
    return PacedSender(sender, pace, lambda _message: server)


def channel_router(
    twilio: MessageSender | None, smtp: MessageSender | None, fallback: MessageSender | None
) -> ChannelRouter:
    """Twilio for SMS/WhatsApp and SMTP for email, as configured; a channel without a
    provider goes to `fallback` (the console outside production, refused in it: None)."""
    senders: dict[ContactMethod, MessageSender] = {}
    if twilio is not None:
        senders |= {ContactMethod.SMS: twilio, ContactMethod.WHATSAPP: twilio}
    if smtp is not None:
        senders[ContactMethod.EMAIL] = smtp
    return ChannelRouter(senders, fallback=fallback)
