"""Follow-up use cases: open one after a job, move it along its state machine, list, read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.access import (
    Actor,
    Permission,
    authorize,
    require_record_of_own_job,
)
from application.lookups import require
from application.outbox.enqueue import enqueue
from application.pagination import ASSIGNED_TO_TECHNICIAN
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain import validation as v
from domain.contact_preferences import ContactMethod
from domain.errors import InvalidTransition, ValidationFailed
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import Message, Purpose, compose


@dataclass(slots=True)
class FollowUpMessage:
    """A message to schedule with a new follow-up (queued in the same transaction)."""

    body: str
    channel: ContactMethod | None = None  # None: the customer's preferred channel
    scheduled_for: datetime | None = None  # None: the follow-up date, else now
    purpose: Purpose = Purpose.TRANSACTIONAL


@dataclass(slots=True)
class NewFollowUp:
    """A follow-up to open; the customer is the job's (when given, it must be)."""

    job_id: int
    customer_id: int | None = None
    follow_up_date: datetime | None = None
    satisfaction_rating: int | None = None
    feedback: str | None = None
    message: FollowUpMessage | None = None


@dataclass(slots=True)
class FollowUpChanges:
    """What an update may change; None leaves a value as it is."""

    status: FollowUpStatus | None = None
    follow_up_date: datetime | None = None
    satisfaction_rating: int | None = None
    feedback: str | None = None


async def create_follow_up(
    actor: Actor, uow: UnitOfWork, clock: Clock, new: NewFollowUp
) -> FollowUp:
    """Open a follow-up of a job: SCHEDULED when it has a date, PENDING otherwise.

    With `new.message`, the message is queued in the outbox in the same transaction
    (idempotency key `follow-up:<id>:message`) and the follow-up is SCHEDULED for it.
    """
    authorize(actor, Permission.WRITE_BUSINESS)
    now = clock.now()
    async with uow:
        job = await require(uow.jobs, "job", new.job_id, "job_id")
        customer_id = job.details.customer_id
        if new.customer_id is not None and new.customer_id != customer_id:
            raise ValidationFailed.single("customer_id", "is not the job's customer")
        follow_up = FollowUp.open(new.job_id, customer_id, new.follow_up_date, now)
        follow_up.record_feedback(new.satisfaction_rating, new.feedback)
        when = None
        if new.message is not None:
            when = _send_time(new.message, follow_up, now)
            follow_up.reschedule(follow_up.follow_up_date or when)
        follow_up = await uow.follow_ups.add(follow_up)
        if new.message is not None and when is not None:
            await _queue_message(uow, follow_up, job.id, new.message, when, now)
        await uow.commit()
    return follow_up


def _send_time(message: FollowUpMessage, follow_up: FollowUp, now: datetime) -> datetime:
    if message.scheduled_for is None:
        return follow_up.follow_up_date or now
    errors: dict[str, str] = {}
    when = v.instant(errors, "message.scheduled_for", message.scheduled_for)
    v.raise_if(errors)
    return when


async def _queue_message(
    uow: UnitOfWork,
    follow_up: FollowUp,
    job_id: int | None,
    wanted: FollowUpMessage,
    when: datetime,
    now: datetime,
) -> Message:
    assert follow_up.id is not None
    customer = await require(uow.customers, "customer", follow_up.customer_id)
    try:
        message = compose(
            customer,
            wanted.purpose,
            wanted.body,
            f"follow-up:{follow_up.id}:message",
            when,
            now,
            channel=wanted.channel,
            follow_up_id=follow_up.id,
            job_id=job_id,
        )
    except ValidationFailed as refused:
        raise ValidationFailed({f"message.{k}": m for k, m in refused.errors.items()}) from None
    return await enqueue(uow.messages, message)


def _apply(follow_up: FollowUp, changes: FollowUpChanges, now: datetime | None) -> None:
    """Reschedule, record feedback and move the status, in that order.

    Rescheduling first lets one request set a date and move on (e.g. to SENT); an
    illegal move raises InvalidTransition (a Conflict) and nothing is stored.
    """
    if changes.follow_up_date is not None:
        follow_up.reschedule(changes.follow_up_date)
    follow_up.record_feedback(changes.satisfaction_rating, changes.feedback)
    if changes.status is FollowUpStatus.AWAITING_REVIEW and follow_up.status is not changes.status:
        # Only the outbox says a message awaits review (its NEEDS_REVIEW), not a person.
        raise InvalidTransition("follow-up", follow_up.status.value, changes.status.value)
    if changes.status is not None:
        follow_up.move_to(changes.status)


async def _visible(uow: UnitOfWork, actor: Actor, follow_up: FollowUp) -> None:
    assert follow_up.id is not None
    await require_record_of_own_job(uow, actor, follow_up.job_id, "follow-up", follow_up.id)


FOLLOW_UPS: ResourceSpec[FollowUp, FollowUpChanges] = ResourceSpec(
    name="follow-up",
    sortable=("id", "created_at", "follow_up_date", "status", "satisfaction_rating"),
    repository=lambda uow: uow.follow_ups,
    access=Access.own_work(ASSIGNED_TO_TECHNICIAN),
    filters=frozenset({"customer_id", "status", "job_id", ASSIGNED_TO_TECHNICIAN}),
    revise=_apply,
    visible=_visible,
)
follow_ups = Crud(FOLLOW_UPS)

get_follow_up = follow_ups.get
list_follow_ups = follow_ups.list
update_follow_up = follow_ups.update_untimed
"""Reschedule, record feedback and move the status, all or nothing."""
