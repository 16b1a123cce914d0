"""One MessageSender over several: each channel goes to the sender configured for it."""

from __future__ import annotations

from collections.abc import Mapping

from application.ports.outbox import MessageSender, SendError, SendResult
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus


class ChannelRouter:
    """SMS and WhatsApp to one sender (Twilio), email to another (SMTP); a channel with
    no sender falls back to `fallback` (the console) or is refused."""

    def __init__(
        self,
        senders: Mapping[ContactMethod, MessageSender],
        fallback: MessageSender | None = None,
    ) -> None:
        self._senders = dict(senders)
        self._fallback = fallback

    def sender_for(self, channel: ContactMethod) -> MessageSender:
        sender = self._senders.get(channel, self._fallback)
        if sender is None:
            raise SendError(False, f"no sender is configured for {channel}")
        return sender

    async def send(self, message: Message) -> SendResult:
        return await self.sender_for(message.channel).send(message)

    def choose_id(self, message: Message) -> str | None:
        try:
            return self.sender_for(message.channel).choose_id(message)
        except SendError:
            return None

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        return await self.sender_for(message.channel).fetch_status(message)
