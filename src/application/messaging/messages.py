"""The outbox as the office sees it: list, read, cancel a scheduled message, resolve one
whose outcome is unknown (NEEDS_REVIEW)."""

from __future__ import annotations

from application import audit
from application.access import Actor, Permission, authorize
from application.lookups import require
from application.outbox.state import store
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.audit import AuditAction, AuditedEntity
from domain.errors import Conflict
from domain.messaging.message import Message, MessageStatus
from domain.messaging.review import Resolution, resolve

MESSAGES: ResourceSpec[Message, None] = ResourceSpec(
    name="message",
    sortable=("id", "created_at", "scheduled_for", "status", "sent_at"),
    repository=lambda uow: uow.messages,
    access=Access(read=Permission.MANAGE_MESSAGES),
    filters=frozenset({"customer_id", "status"}),
)
messages = Crud(MESSAGES)

list_messages = messages.list
get_message = messages.get


async def cancel_message(actor: Actor, uow: UnitOfWork, clock: Clock, message_id: int) -> Message:
    """Cancel a SCHEDULED message (staff only); any other status is a Conflict.

    The write is a compare-and-set on SCHEDULED, so a worker claiming the message at the
    same moment either loses to the cancel or makes the cancel a Conflict — never both.
    """
    authorize(actor, Permission.MANAGE_MESSAGES)
    async with uow:
        message = await require(uow.messages, "message", message_id)
        if message.status is not MessageStatus.SCHEDULED:
            raise Conflict(
                f"message {message_id} is {message.status}; only a SCHEDULED one can be cancelled"
            )
        message.move_to(MessageStatus.CANCELLED, clock.now())
        if not await uow.messages.update_if_status(message, MessageStatus.SCHEDULED):
            raise Conflict(f"message {message_id} is being sent; it can no longer be cancelled")
        await uow.commit()
    return message


async def resolve_message(
    actor: Actor, uow: UnitOfWork, clock: Clock, message_id: int, resolution: Resolution
) -> Message:
    """Settle a NEEDS_REVIEW message after checking at the provider (staff only): SENT
    records it as sent; NOT_SENT queues one new attempt, due now. Its follow-up moves with
    it; the change is audited. Any other status is a Conflict."""
    authorize(actor, Permission.MANAGE_MESSAGES)
    async with uow:
        message = await require(uow.messages, "message", message_id)
        assert message.id is not None
        resolve(message, resolution, clock.now())
        if not await store(uow, message, MessageStatus.NEEDS_REVIEW):
            raise Conflict(f"message {message_id} was moved meanwhile; look again")
        changes: dict[str, list[object]] = {
            "status": [MessageStatus.NEEDS_REVIEW.value, message.status.value],
            "resolution": [None, resolution.value],
        }
        await audit.record(
            uow,
            actor,
            clock.now(),
            AuditAction.RESOLVE,
            AuditedEntity.MESSAGE,
            message.id,
            message.customer_id,
            dict(changes),
        )
        await uow.commit()
    return message
