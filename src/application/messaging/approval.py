"""Human approval of AI-written messages: approve (optionally editing the body) or reject.

A message whose body an insight wrote (a follow-up suggestion sent as it was written, a
maintenance reminder) is created PENDING_APPROVAL; the outbox claims only SCHEDULED
messages, so nothing of it reaches the customer until staff approve it here. Both
decisions are audited (the body itself never goes to the audit trail: only whether it was
edited).
"""

from __future__ import annotations

from application import audit
from application.access import Actor, Permission, authorize
from application.lookups import require
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.errors import Conflict
from domain.messaging.message import Message, MessageStatus

M = MessageStatus


async def _decide(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    message_id: int,
    body: str | None,
    approve: bool,
) -> Message:
    authorize(actor, Permission.MANAGE_MESSAGES)
    now = clock.now()
    async with uow:
        message = await require(uow.messages, "message", message_id)
        before = message.status
        edited = body is not None and body.strip() != message.body
        if approve:
            message.approve(body, now)
        else:
            message.reject(now)
        if not await uow.messages.update_if_status(message, M.PENDING_APPROVAL):
            raise Conflict(f"message {message_id} was decided by someone else meanwhile")
        assert message.id is not None
        changes: dict[str, list[object]] = {"status": [before.value, message.status.value]}
        if approve:
            changes["body_edited"] = [None, edited]
        action = AuditAction.APPROVE if approve else AuditAction.REJECT
        entity = AuditedEntity.MESSAGE
        await audit.record(
            uow, actor, now, action, entity, message.id, message.customer_id, changes
        )
        await uow.commit()
    return message


async def approve_message(
    actor: Actor, uow: UnitOfWork, clock: Clock, message_id: int, body: str | None = None
) -> Message:
    """Approve a PENDING_APPROVAL message (staff only), with `body` replacing the AI text
    when given: it becomes SCHEDULED and the outbox sends it at its time (409 otherwise)."""
    return await _decide(actor, uow, clock, message_id, body, approve=True)


async def reject_message(actor: Actor, uow: UnitOfWork, clock: Clock, message_id: int) -> Message:
    """Reject a PENDING_APPROVAL message (staff only): it becomes CANCELLED, never sent."""
    return await _decide(actor, uow, clock, message_id, None, approve=False)
