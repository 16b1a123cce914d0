"""Step 4 of sending: record what became of a claimed message, as a compare-and-set on
SENDING, the moment it is known."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from application.outbox.claim import UowFactory
from application.outbox.outcome import Outcome
from application.outbox.state import store
from application.ports.outbox import SendError
from application.ports.unit_of_work import UnitOfWork
from domain.messaging.call_task import CallTask
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)

M = MessageStatus
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)


def backoff(attempt: int) -> timedelta:
    """Delay before retry number `attempt` (1-based): 1, 2, 4, ... minutes, at most 1 h."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempt - 1, 0))
    return min(delay, BACKOFF_CAP)


async def record(uow_factory: UowFactory, message: Message, outcome: Outcome) -> Outcome:
    """Store the claimed message's new state (over a review mark the reconciler set
    meanwhile, too: this outcome is known); NEEDS_REVIEW if it was moved otherwise."""
    async with uow_factory() as uow:
        stored = await store(uow, message, M.SENDING) or await _store_late(uow, message)
        await uow.commit()
    if not stored:
        log.error("message %s: %s outcome not stored; it was moved meanwhile", message.id, outcome)
        return Outcome.NEEDS_REVIEW
    return outcome


def after_error(message: Message, error: SendError, now: datetime, max_attempts: int) -> Outcome:
    """Move the message on after a failed send: review (unknown outcome), retry with
    backoff while attempts remain, else FAILED."""
    reason = error.reason[:500]
    if error.outcome_unknown:
        message.move_to(M.NEEDS_REVIEW, now)
        message.last_error = f"outcome unknown, not resent: {reason}"
        return Outcome.NEEDS_REVIEW
    if error.retryable and message.attempts < max_attempts:
        message.move_to(M.SCHEDULED, now)
        message.scheduled_for = now + backoff(message.attempts)
        message.last_error = reason
        return Outcome.RETRIED
    message.move_to(M.FAILED, now)
    suffix = f" (after {message.attempts} attempts)" if error.retryable else ""
    message.last_error = reason + suffix
    return Outcome.FAILED


async def store_chosen_id(uow_factory: UowFactory, message: Message) -> bool:
    """Before the send: store the provider id the message will go out under (it stays
    SENDING). False when it was moved meanwhile: then it must not be sent."""
    async with uow_factory() as uow:
        stored = await uow.messages.update_if_status(message, M.SENDING)
        await uow.commit()
    return stored


async def record_call_task(uow_factory: UowFactory, message: Message, now: datetime) -> Outcome:
    """A PHONE message is "sent" by handing the office a call to make."""
    message.move_to(M.SENT, now)
    message.sent_at = now
    async with uow_factory() as uow:
        if not await store(uow, message, M.SENDING):
            return Outcome.NEEDS_REVIEW
        await uow.call_tasks.add(
            CallTask(message.customer_id, message.body, now, message_id=message.id)
        )
        await uow.commit()
    return Outcome.SENT


async def record_sent(uow_factory: UowFactory, message: Message) -> Outcome:
    """Store a message the provider accepted; over a review mark the reconciler set
    meanwhile, too. Never resent if even that fails: the provider has it."""
    async with uow_factory() as uow:
        stored = await store(uow, message, M.SENDING) or await _store_late(uow, message)
        await uow.commit()
    if stored:
        return Outcome.SENT
    log.error(
        "message %s was sent as %s but could not be recorded",
        message.id,
        message.provider_message_id,
    )
    return Outcome.NEEDS_REVIEW


async def _store_late(uow: UnitOfWork, message: Message) -> bool:
    """The row is no longer SENDING. Already holding this outcome (an earlier try's commit
    went through but its answer was lost): stored. Marked NEEDS_REVIEW by the reconciler
    while the send or the write-back was in flight: the outcome is known, so it is
    recorded over the review mark."""
    fresh = await uow.messages.get(message.id) if message.id is not None else None
    if fresh is None:
        return False
    if fresh.status is message.status and fresh.updated_at == message.updated_at:
        return True
    reviewable = message.status is M.NEEDS_REVIEW or fresh.can_move_to(message.status)
    if fresh.status is not M.NEEDS_REVIEW or not reviewable:
        return False
    fresh.provider_message_id = message.provider_message_id
    fresh.sent_at = message.sent_at
    fresh.last_error = message.last_error
    fresh.scheduled_for = message.scheduled_for
    fresh.attempts = message.attempts
    fresh.move_to(message.status, message.updated_at)
    return await store(uow, fresh, M.NEEDS_REVIEW)
