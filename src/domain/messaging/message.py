"""An outbox message (MessageLog) and its forward-only lifecycle."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import validation as v
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.errors import InvalidTransition

MAX_BODY = 1600  # ten SMS segments; WhatsApp and email bodies are kept as short
PAST_TOLERANCE = timedelta(minutes=5)  # a requested send time this far back means "now"


class Purpose(enum.StrEnum):
    TRANSACTIONAL = "TRANSACTIONAL"  # about a service the customer booked (survey, visit)
    MARKETING = "MARKETING"  # anything the customer did not ask for (reminders, offers)


class MessageStatus(enum.StrEnum):
    PENDING_APPROVAL = "PENDING_APPROVAL"  # an insight wrote the body: staff approve it first
    SCHEDULED = "SCHEDULED"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    UNDELIVERED = "UNDELIVERED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    SUPPRESSED = "SUPPRESSED"
    NEEDS_REVIEW = "NEEDS_REVIEW"  # left SENDING by a dead worker, outcome unknown


M = MessageStatus
# Rank orders the states: a transition never goes to a lower rank, so a late or repeated
# provider callback can never move a message backward.
RANK: dict[MessageStatus, int] = {
    M.PENDING_APPROVAL: 0,
    M.SCHEDULED: 0,
    M.SENDING: 1,
    M.NEEDS_REVIEW: 2,
    M.SENT: 3,
    M.DELIVERED: 4,
    M.UNDELIVERED: 4,
    M.FAILED: 4,
    M.CANCELLED: 4,
    M.SUPPRESSED: 4,
}
TRANSITIONS: dict[MessageStatus, frozenset[MessageStatus]] = {
    M.PENDING_APPROVAL: frozenset({M.SCHEDULED, M.CANCELLED}),
    M.SCHEDULED: frozenset({M.SENDING, M.CANCELLED, M.SUPPRESSED}),
    M.SENDING: frozenset({M.SENT, M.FAILED, M.SCHEDULED, M.NEEDS_REVIEW, M.SUPPRESSED}),
    # SCHEDULED only when someone resolves it as not sent (one new attempt); RANK keeps
    # any provider report from taking that step.
    M.NEEDS_REVIEW: frozenset(
        {M.SCHEDULED, M.SENT, M.DELIVERED, M.UNDELIVERED, M.FAILED, M.CANCELLED}
    ),
    M.SENT: frozenset({M.DELIVERED, M.UNDELIVERED, M.FAILED}),
    M.DELIVERED: frozenset(),
    M.UNDELIVERED: frozenset(),
    M.FAILED: frozenset(),
    M.CANCELLED: frozenset(),
    M.SUPPRESSED: frozenset(),
}
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


@dataclass(slots=True)
class Message:
    customer_id: int
    purpose: Purpose
    channel: ContactMethod
    recipient: str
    body: str
    language: str
    scheduled_for: datetime
    idempotency_key: str
    created_at: datetime
    updated_at: datetime
    follow_up_id: int | None = None
    job_id: int | None = None
    status: MessageStatus = MessageStatus.SCHEDULED
    provider_message_id: str | None = None
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    request_digest: str | None = None  # a client-keyed request's body digest (client_requests)
    id: int | None = None

    def can_move_to(self, target: MessageStatus) -> bool:
        """SENDING → SCHEDULED is the one step back: a retryable failure re-queues it."""
        return target in TRANSITIONS[self.status]

    def move_to(self, target: MessageStatus, now: datetime) -> None:
        if target is self.status:
            return
        if not self.can_move_to(target):
            raise InvalidTransition("message", self.status.value, target.value)
        self.status = target
        self.updated_at = now

    def hold_for_approval(self, auto_approved: frozenset[Purpose]) -> None:
        """A new message whose body an insight wrote: it waits in PENDING_APPROVAL (outside
        the outbox's send path) unless its purpose is auto-approved."""
        if self.status is MessageStatus.SCHEDULED and self.purpose not in auto_approved:
            self.status = MessageStatus.PENDING_APPROVAL

    def approve(self, body: str | None, now: datetime) -> None:
        """Staff approve the text (`body`: their edit, None keeps it); it may now be sent."""
        if self.status is not MessageStatus.PENDING_APPROVAL:
            raise InvalidTransition("message", self.status.value, "approved")
        if body is not None:
            errors: dict[str, str] = {}
            edited = v.required_text(errors, "body", body, MAX_BODY)
            v.raise_if(errors)
            self.body = edited
        self.move_to(MessageStatus.SCHEDULED, now)

    def reject(self, now: datetime) -> None:
        """Staff reject the text: the message is never sent."""
        if self.status is not MessageStatus.PENDING_APPROVAL:
            raise InvalidTransition("message", self.status.value, "rejected")
        self.move_to(MessageStatus.CANCELLED, now)

    def apply_provider_status(self, reported: MessageStatus, now: datetime) -> bool:
        """A provider callback: applied only if it moves the message forward. Returns whether
        anything changed (late, repeated or out-of-order callbacks change nothing)."""
        if RANK[reported] <= RANK[self.status] or not self.can_move_to(reported):
            return False
        self.move_to(reported, now)
        return True


def compose(
    customer: Customer,
    purpose: Purpose,
    body: str,
    idempotency_key: str,
    scheduled_for: datetime,
    now: datetime,
    channel: ContactMethod | None = None,
    follow_up_id: int | None = None,
    job_id: int | None = None,
) -> Message:
    """A message to `customer` in their preferred channel (or `channel`) and language."""
    assert customer.id is not None
    channel = (
        channel
        or customer.preferences.method
        or (ContactMethod.SMS if customer.details.phone else ContactMethod.EMAIL)
    )
    recipient = customer.details.email if channel is ContactMethod.EMAIL else customer.details.phone
    errors: dict[str, str] = {}
    body = v.required_text(errors, "body", body, MAX_BODY)
    if not idempotency_key or len(idempotency_key) > 200:
        errors["idempotency_key"] = "must be 1-200 characters"
    if recipient is None:
        errors["channel"] = f"the customer has no contact detail for {channel}"
    v.raise_if(errors)
    assert recipient is not None
    return Message(
        customer_id=customer.id,
        purpose=purpose,
        channel=channel,
        recipient=recipient,
        body=body,
        language=customer.preferences.language,
        scheduled_for=scheduled_for,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
        follow_up_id=follow_up_id,
        job_id=job_id,
    )


def send_time(field: str, requested: datetime | None, now: datetime) -> datetime:
    """When a message staff ask for goes: `requested` (aware, not more than
    PAST_TOLERANCE ago; a slightly past one means now), or now when not given."""
    if requested is None:
        return now
    errors: dict[str, str] = {}
    when = v.instant(errors, field, requested)
    if not errors and when < now - PAST_TOLERANCE:
        errors[field] = "must not be in the past"
    v.raise_if(errors)
    return max(when, now)
