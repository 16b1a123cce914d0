"""Queueing a message staff wrote (POST /messages, POST /follow-ups/{id}/send).

It is composed for the customer like any message and queued in the outbox inside the
caller's transaction; the outbox applies the send policy when it sends (quiet hours,
consent, frequency cap), and a message due now goes at commit (`SendAtOnce`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application import audit
from application.access import Actor
from application.outbox.enqueue import enqueue
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.errors import ValidationFailed
from domain.messaging.message import Message, Purpose, compose


@dataclass(slots=True)
class Draft:
    """What staff want sent to a customer; `channel` None: the customer's preferred one;
    `scheduled_for` None: now; `follow_up_id`: a follow-up of the same customer it belongs to."""

    customer_id: int
    body: str
    purpose: Purpose
    channel: ContactMethod | None = None
    scheduled_for: datetime | None = None
    follow_up_id: int | None = None


@dataclass(frozen=True, slots=True)
class Sending:
    """How a draft is queued: under idempotency `key`, at `when` (the resolved send time),
    for the job of its follow-up; `request_digest` for a client-keyed request."""

    key: str
    when: datetime
    job_id: int | None = None
    request_digest: str | None = None


def refuse_unwanted_channel(customer: Customer, channel: ContactMethod | None) -> None:
    """A channel other than the customer's preferred one would be suppressed by the send
    policy every time: refuse it now, naming `channel`."""
    preferred = customer.preferences.method
    if channel is not None and preferred is not None and channel is not preferred:
        raise ValidationFailed.single("channel", f"the customer prefers {preferred}")


async def queue_draft(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    customer: Customer,
    draft: Draft,
    sent: Sending,
    hold: frozenset[Purpose] | None = None,
) -> Message:
    """Compose and queue the draft as `sent` says, with an audit entry (no personal data).

    `hold`: the body was written by an insight, not by staff; the message waits in
    PENDING_APPROVAL unless its purpose is in `hold` (the auto-approved purposes)."""
    refuse_unwanted_channel(customer, draft.channel)
    message = compose(
        customer,
        draft.purpose,
        draft.body,
        sent.key,
        sent.when,
        now,
        channel=draft.channel,
        follow_up_id=draft.follow_up_id,
        job_id=sent.job_id,
    )
    message.request_digest = sent.request_digest
    if hold is not None:
        message.hold_for_approval(hold)
    message = await enqueue(uow.messages, message)
    assert message.id is not None
    changes: dict[str, list[object]] = {
        "status": [None, message.status.value],
        "channel": [None, message.channel.value],
        "purpose": [None, message.purpose.value],
        "scheduled_for": [None, message.scheduled_for.isoformat()],
        "follow_up_id": [None, message.follow_up_id],
    }
    await audit.record(
        uow,
        actor,
        now,
        AuditAction.CREATE,
        AuditedEntity.MESSAGE,
        message.id,
        customer.id,
        changes,
    )
    return message
