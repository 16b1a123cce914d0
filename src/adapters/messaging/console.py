"""The embedded default sender: records what it would send and logs it (masked)."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from application.ports.outbox import SendResult
from domain.contact_preferences import ContactMethod
from domain.messaging.masking import masked_recipient
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)
KEEP = 1000  # the newest records kept in memory


@dataclass(frozen=True, slots=True)
class ConsoleRecord:
    provider_message_id: str
    message_id: int | None
    channel: ContactMethod
    recipient: str
    body: str
    at: datetime


class ConsoleSender:
    """Sends nothing: keeps the last KEEP messages in memory (for demos and tests) and logs
    each one with the recipient masked. Its ids look like `console-<n>`."""

    def __init__(self) -> None:
        self.records: list[ConsoleRecord] = []
        self._ids = itertools.count(1)
        self._statuses: dict[str, MessageStatus] = {}

    async def send(self, message: Message) -> SendResult:
        provider_id = f"console-{next(self._ids)}"
        record = ConsoleRecord(
            provider_id,
            message.id,
            message.channel,
            message.recipient,
            message.body,
            datetime.now(UTC),
        )
        self.records.append(record)
        del self.records[:-KEEP]
        self._statuses[provider_id] = MessageStatus.SENT
        log.info(
            "console sender: %s message %s to %s (%d chars): %s",
            message.channel,
            message.id,
            masked_recipient(message),
            len(message.body),
            message.body[:80],
        )
        return SendResult(provider_id)

    def choose_id(self, message: Message) -> str | None:
        return None

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        if message.provider_message_id is None:
            return None
        return self._statuses.get(message.provider_message_id)
