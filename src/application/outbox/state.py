"""Moving a message forward and storing it with a compare-and-set, its follow-up in step.

Shared by dispatch, reconciliation and provider callbacks."""

from __future__ import annotations

import logging
from datetime import datetime

from application.ports.unit_of_work import UnitOfWork
from domain.errors import InvalidTransition
from domain.follow_up import FollowUpStatus
from domain.messaging.message import RANK, Message, MessageStatus

log = logging.getLogger(__name__)

M = MessageStatus
# What a message's final state means for the follow-up it belongs to.
FOLLOW_UP_STATUS: dict[MessageStatus, FollowUpStatus] = {
    M.SENT: FollowUpStatus.SENT,
    M.FAILED: FollowUpStatus.FAILED,
    M.UNDELIVERED: FollowUpStatus.FAILED,
    M.SUPPRESSED: FollowUpStatus.FAILED,
    M.NEEDS_REVIEW: FollowUpStatus.AWAITING_REVIEW,
    M.SCHEDULED: FollowUpStatus.SCHEDULED,  # resolved as not sent: tried again
}
REACHED_PROVIDER = frozenset({M.SENT, M.DELIVERED, M.UNDELIVERED})


def advance(message: Message, reported: MessageStatus, now: datetime) -> bool:
    """Apply a status the provider reported, only forward. A message the provider has
    (SENDING or NEEDS_REVIEW here) passes through SENT on its way to DELIVERED and the
    like. Returns whether anything changed."""
    if RANK[reported] <= RANK[message.status]:
        return False
    changed = False
    if reported is not M.SENT and not message.can_move_to(reported) and message.can_move_to(M.SENT):
        message.move_to(M.SENT, now)
        changed = True
    changed = message.apply_provider_status(reported, now) or changed
    if changed and message.sent_at is None and message.status in REACHED_PROVIDER:
        message.sent_at = now
    return changed


async def sync_follow_up(uow: UnitOfWork, message: Message) -> None:
    """Move the message's follow-up (if any) to SENT or FAILED with it, where its state
    machine allows; otherwise leave it (e.g. it was completed meanwhile)."""
    target = FOLLOW_UP_STATUS.get(message.status)
    if message.follow_up_id is None or target is None:
        return
    follow_up = await uow.follow_ups.get(message.follow_up_id)
    if follow_up is None:
        return
    try:
        follow_up.move_to(target)
    except InvalidTransition:
        return
    await uow.follow_ups.update(follow_up)


async def store(uow: UnitOfWork, message: Message, expected: MessageStatus) -> bool:
    """Store `message` if its row is still `expected` (and move its follow-up along);
    False, with nothing stored, when someone else moved it first."""
    if not await uow.messages.update_if_status(message, expected):
        log.warning(
            "message %s was no longer %s; not storing %s", message.id, expected, message.status
        )
        return False
    await sync_follow_up(uow, message)
    return True


async def apply_reported(
    uow: UnitOfWork,
    message: Message,
    reported: MessageStatus,
    now: datetime,
    error: str | None = None,
) -> bool | None:
    """Apply a reported outcome (a provider's status, a call's outcome) forward and store
    it with its follow-up: None when it moves nothing, False when someone else moved the
    message first (nothing stored), True when stored. `error` becomes the last error of a
    message that ends FAILED or UNDELIVERED."""
    previous = message.status
    if not advance(message, reported, now):
        return None
    if error and message.status in (M.FAILED, M.UNDELIVERED):
        message.last_error = error
    return await store(uow, message, previous)
