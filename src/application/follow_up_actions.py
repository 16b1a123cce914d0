"""Acting on a suggested (PENDING) follow-up: send it as a message, or dismiss it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application import audit
from application.access import Actor, Permission, authorize
from application.lookups import require
from application.messaging.staff_message import Draft, Sending, queue_draft
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain import validation as v
from domain.audit import AuditAction, AuditedEntity
from domain.contact_preferences import ContactMethod
from domain.errors import Conflict, ValidationFailed
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import Message, Purpose, send_time
from domain.suggested_message import SuggestedMessage, read_suggestion, suggested_instant

MAX_REASON = 500


@dataclass(slots=True)
class SendEdits:
    """What the office changed before sending; None keeps the suggestion's."""

    body: str | None = None
    channel: ContactMethod | None = None
    scheduled_for: datetime | None = None
    purpose: Purpose = Purpose.TRANSACTIONAL


@dataclass(frozen=True, slots=True)
class SentFollowUp:
    follow_up: FollowUp
    message: Message


async def _pending(uow: UnitOfWork, follow_up_id: int, doing: str) -> FollowUp:
    follow_up = await require(uow.follow_ups, "follow-up", follow_up_id)
    if follow_up.status is not FollowUpStatus.PENDING:
        raise Conflict(
            f"follow-up {follow_up_id} is {follow_up.status}; only a PENDING one can be {doing}"
        )
    return follow_up


async def _audit(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    action: AuditAction,
    follow_up: FollowUp,
    **added: object,
) -> None:
    """The trail entry of a PENDING follow-up acted on: its new status and what came with it."""
    assert follow_up.id is not None
    changes: dict[str, list[object]] = {
        "status": [FollowUpStatus.PENDING.value, follow_up.status.value]
    }
    changes |= {name: [None, value] for name, value in added.items()}
    entity = AuditedEntity.FOLLOW_UP
    await audit.record(
        uow, actor, now, action, entity, follow_up.id, follow_up.customer_id, changes
    )


async def send_follow_up(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    follow_up_id: int,
    edits: SendEdits,
    auto_approved: frozenset[Purpose] = frozenset(),
) -> SentFollowUp:
    """Turn a PENDING follow-up into a message (staff only): the suggestion's action,
    channel and time unless edited (a suggested time in the past, or none, means now).
    The follow-up becomes SCHEDULED for the message's time; both are audited.

    A body left as the suggestion wrote it (AI text) makes the message PENDING_APPROVAL
    unless its purpose is in `auto_approved`; a body staff typed is sent as queued."""
    authorize(actor, Permission.MANAGE_MESSAGES)
    now = clock.now()
    async with uow:
        follow_up = await _pending(uow, follow_up_id, "sent")
        customer = await require(uow.customers, "customer", follow_up.customer_id)
        suggested = read_suggestion(follow_up.suggestion or "")
        body = edits.body if edits.body is not None else suggested.action
        if not body:
            raise ValidationFailed.single("body", "is required: the follow-up has no suggestion")
        when = _when(edits, suggested, customer.details.time_zone, now)
        draft = Draft(
            follow_up.customer_id,
            body,
            edits.purpose,
            edits.channel or suggested.channel,
            follow_up_id=follow_up.id,
        )
        follow_up.reschedule(when)
        await uow.follow_ups.update(follow_up)
        sending = Sending(f"follow-up:{follow_up_id}:send", when, follow_up.job_id)
        hold = auto_approved if edits.body is None else None
        message = await queue_draft(uow, actor, now, customer, draft, sending, hold)
        await _audit(uow, actor, now, AuditAction.SEND, follow_up, message_id=message.id)
        await uow.commit()
    return SentFollowUp(follow_up, message)


def _when(edits: SendEdits, suggested: SuggestedMessage, time_zone: str, now: datetime) -> datetime:
    if edits.scheduled_for is not None:
        return send_time("scheduled_for", edits.scheduled_for, now)
    return suggested_instant(suggested.time, time_zone, now)


async def dismiss_follow_up(
    actor: Actor, uow: UnitOfWork, clock: Clock, follow_up_id: int, reason: str | None
) -> FollowUp:
    """Close a PENDING follow-up without acting on it (staff only): it becomes CANCELLED;
    the reason is kept in the audit trail."""
    authorize(actor, Permission.WRITE_BUSINESS)
    errors: dict[str, str] = {}
    reason = v.optional_text(errors, "reason", reason, MAX_REASON) or None
    v.raise_if(errors)
    now = clock.now()
    async with uow:
        follow_up = await _pending(uow, follow_up_id, "dismissed")
        follow_up.move_to(FollowUpStatus.CANCELLED)
        await uow.follow_ups.update(follow_up)
        await _audit(uow, actor, now, AuditAction.DISMISS, follow_up, reason=reason)
        await uow.commit()
    return follow_up
