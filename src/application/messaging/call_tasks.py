"""The office's call list: the calls the PHONE channel hands over, oldest first, and
completing one with the call's outcome.

The outcome settles the call's message as a provider's delivery status would
(`outbox.state.apply_reported`): REACHED and LEFT_VOICEMAIL → DELIVERED (its follow-up
stays SENT, as a delivered message's does); NO_ANSWER and WRONG_NUMBER → FAILED with the
outcome as its last error (its follow-up FAILED). Staff only, like the outbox itself.
"""

from __future__ import annotations

from datetime import datetime

from application.access import Actor, Permission
from application.outbox.state import apply_reported
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, AuditTrail, Crud, ResourceSpec, named_customer
from domain.audit import AuditedEntity
from domain.errors import Conflict
from domain.messaging.call_task import OUTCOME_STATUS, CallOutcome, CallTask
from domain.messaging.message_fields import CALL_TASK_FIELDS

CALL_TASKS: ResourceSpec[CallTask, None] = ResourceSpec(
    name="call task",
    repository=lambda uow: uow.call_tasks,
    access=Access(read=Permission.MANAGE_MESSAGES, write=Permission.MANAGE_MESSAGES),
    filters=frozenset({"customer_id", "status"}),
    audit=AuditTrail(
        AuditedEntity.CALL_TASK,
        CALL_TASK_FIELDS.snapshot,
        named_customer(lambda task: task.customer_id),
    ),
)
call_tasks = Crud(CALL_TASKS)

list_call_tasks = call_tasks.list
get_call_task = call_tasks.get


async def complete_call_task(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    task_id: int,
    outcome: CallOutcome,
    note: str | None,
) -> CallTask:
    """OPEN → DONE with the outcome, note, who and when; the message settles in the same
    transaction. Completing twice, or racing another writer of the message, is a 409."""

    async def step(uow: UnitOfWork, task: CallTask, now: datetime) -> None:
        task.complete(outcome, note, actor.user_id, now)
        message = None if task.message_id is None else await uow.messages.get(task.message_id)
        if message is None:  # the message was deleted: nothing left to settle
            return
        reported = OUTCOME_STATUS[outcome]
        error = f"call outcome {outcome.value}"
        if await apply_reported(uow, message, reported, now, error) is False:
            raise Conflict(f"message {message.id} changed meanwhile; try again")

    return await call_tasks.change(actor, uow, clock, task_id, step)
