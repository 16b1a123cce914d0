"""Outbox ports: the message log, the consent record, call tasks, webhook receipts and the
message sender (Twilio, SMTP or the console, chosen by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.ports.repositories import Repository
from domain.messaging.call_task import CallTask
from domain.messaging.consent import ConsentEntry
from domain.messaging.message import Message, MessageStatus


class MessageRepository(Repository[Message], Protocol):
    """The outbox (MessageLog). `claim` is the only way a message becomes SENDING."""

    async def get_by_idempotency_key(self, key: str) -> Message | None: ...

    async def get_by_provider_id(self, provider_message_id: str) -> Message | None: ...

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        """Ids of SCHEDULED messages whose time has come, oldest first."""
        ...

    async def claim(self, message_id: int, now: datetime) -> Message | None:
        """Atomically move one due SCHEDULED message to SENDING (attempts + 1); None when
        another worker got it first or it is no longer due."""
        ...

    async def update_if_status(self, message: Message, expected: MessageStatus) -> bool:
        """Store `message` only if the stored row is still in status `expected` (a
        compare-and-set); False when someone else moved it meanwhile."""
        ...

    async def stale_sending(self, updated_before: datetime, limit: int) -> list[Message]:
        """Messages left SENDING since before `updated_before` (their worker died)."""
        ...

    async def recent_sends(self, customer_id: int, since: datetime) -> list[datetime]:
        """When this customer's non-transactional messages were sent since `since`."""
        ...


class ConsentRepository(Protocol):
    """The consent ledger: append-only, so there is no update or delete."""

    async def append(self, customer_id: int, entry: ConsentEntry) -> ConsentEntry:
        """Record `entry` (Conflict when there is no such customer); returns it with its id."""
        ...

    async def latest(self, customer_id: int) -> list[ConsentEntry]:
        """The latest entry (by time, then by order of recording) of each channel x purpose
        that has one: all the current state needs."""
        ...

    async def history(
        self, customer_id: int, limit: int, offset: int
    ) -> tuple[list[ConsentEntry], int]:
        """A page of the customer's entries, newest first, and how many there are."""
        ...


class CallTaskRepository(Repository[CallTask], Protocol):
    """Calls for the office to make (the PHONE channel); filterable by customer and status."""


class WebhookEventRepository(Protocol):
    """Receipts of provider webhooks, so a repeated delivery is recognised and dropped."""

    async def remember(self, token: str, at: datetime) -> bool:
        """Record `token`; False when it was already recorded (a repeat)."""
        ...


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the provider answered: its id for the message and, if it said, the status."""

    provider_message_id: str
    status: MessageStatus = MessageStatus.SENT


class SendError(Exception):
    """The provider refused or could not take the message.

    `retryable`: the provider certainly did not accept it and says trying later may work
    (rate limited, temporarily unavailable, connection refused). `outcome_unknown`: the
    request may have been accepted (a timeout after sending, a 5xx from the provider) —
    never resent; the message goes to review.
    """

    def __init__(self, retryable: bool, reason: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable and not outcome_unknown
        self.outcome_unknown = outcome_unknown


class MessageSender(Protocol):
    """Hands a message to a provider for its channel (SMS, WhatsApp, email)."""

    async def send(self, message: Message) -> SendResult:
        """Send once; raises SendError. Never retries by itself. A message carrying the
        id `choose_id` gave it is sent under that id."""
        ...

    def choose_id(self, message: Message) -> str | None:
        """A fresh provider id for `message` where we choose it (SMTP's Message-ID), so it
        is stored before the send and a send whose answer is lost can still be looked up;
        None where the provider assigns its id on acceptance (Twilio)."""
        ...

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        """The provider's current status of a message it accepted (by its provider id);
        None when the provider does not know it or cannot say."""
        ...


class SendQueue(Protocol):
    """Hands a message that is due now to a worker at once (the `send_message` actor).

    A hint, not a guarantee: the once-a-minute poll sends whatever a lost hint left, and
    the claim makes sure the two never send one message twice."""

    async def send_now(self, message_id: int) -> None: ...
