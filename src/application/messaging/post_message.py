"""POST /messages: a message to a customer without a job, idempotent per client key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

from application.access import Actor, Permission, authorize
from application.lookups import require
from application.messaging.staff_message import Draft, Sending, queue_draft
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import ValidationFailed
from domain.follow_up import FollowUpStatus
from domain.messaging.client_requests import (
    HEADER,
    KeyReused,
    client_key_error,
    digest,
    stored_key,
)
from domain.messaging.message import Message, Purpose, send_time


@dataclass(slots=True)
class NewMessage(Draft):
    """A message staff post (POST /messages), remembered under a client key by its digest.
    `generation_id`: the stored insight generation whose text the body is (a greeting):
    such a message waits for approval like any AI-written one."""

    generation_id: int | None = None

    def digest(self) -> str:
        """The request as a client key remembers it (instants compared in UTC)."""
        when = self.scheduled_for
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(UTC)
        request = {
            "customer_id": self.customer_id,
            "body": self.body,
            "purpose": self.purpose.value,
            "channel": None if self.channel is None else self.channel.value,
            "scheduled_for": None if when is None else when.isoformat(),
            "follow_up_id": self.follow_up_id,
        }
        if self.generation_id is not None:  # absent otherwise: earlier digests still match
            request["generation_id"] = self.generation_id
        return digest(request)


@dataclass(frozen=True, slots=True)
class Posted:
    """The message, and whether this request created it (False: a repeat of its key)."""

    message: Message
    created: bool


async def post_message(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    new: NewMessage,
    client_key: str | None = None,
    auto_approved: frozenset[Purpose] = frozenset(),
) -> Posted:
    """Queue a message to a customer (staff only); due now, it is sent at commit.

    With `client_key`, a repeat of the same request by the same user returns the message
    the first one queued (`created` False, nothing sent again); the same key with another
    request is `KeyReused` (a Conflict). A follow-up given must be the customer's; a
    PENDING one becomes SCHEDULED for the message. A body an insight wrote
    (`generation_id`) is PENDING_APPROVAL unless its purpose is in `auto_approved`.
    """
    authorize(actor, Permission.MANAGE_MESSAGES)
    key = f"ad-hoc:{uuid4().hex}"
    request = new.digest()
    if client_key is not None:
        if (error := client_key_error(client_key)) is not None:
            raise ValidationFailed.single(HEADER, error)
        key = stored_key(actor.user_id, client_key)
    now = clock.now()
    async with uow:
        if client_key is not None:
            existing = await uow.messages.get_by_idempotency_key(key)
            if existing is not None:
                if existing.request_digest != request:
                    raise KeyReused(client_key)
                return Posted(existing, created=False)
        customer = await require(uow.customers, "customer", new.customer_id, "customer_id")
        when = send_time("scheduled_for", new.scheduled_for, now)
        job_id = await _link_follow_up(uow, new, when)
        sending = Sending(key, when, job_id, request if client_key else None)
        hold = auto_approved if new.generation_id is not None else None
        message = await queue_draft(uow, actor, now, customer, new, sending, hold)
        await uow.commit()
    return Posted(message, created=True)


async def _link_follow_up(uow: UnitOfWork, new: NewMessage, when: datetime) -> int | None:
    """Check the follow-up the message belongs to (if any); returns its job's id."""
    if new.follow_up_id is None:
        return None
    follow_up = await require(uow.follow_ups, "follow-up", new.follow_up_id, "follow_up_id")
    if follow_up.customer_id != new.customer_id:
        raise ValidationFailed.single("follow_up_id", "is not a follow-up of this customer")
    if follow_up.status is FollowUpStatus.PENDING:
        follow_up.reschedule(when)
        await uow.follow_ups.update(follow_up)
    return follow_up.job_id
