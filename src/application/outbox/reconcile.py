"""Settling messages a dead worker left SENDING: ask the provider, never resend."""

from __future__ import annotations

import logging
from datetime import timedelta

from application.outbox.claim import UowFactory
from application.outbox.state import advance, store
from application.ports.clock import Clock
from application.ports.outbox import MessageSender
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)

RECONCILE_BATCH = 100


async def reconcile_stuck(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    stale_after: timedelta,
    limit: int = RECONCILE_BATCH,
) -> int:
    """Settle messages left SENDING for longer than `stale_after` (their worker died).

    Where the provider's id was recorded, its current status is applied; otherwise (or
    when the provider cannot say) the message goes to NEEDS_REVIEW. Nothing is resent —
    except a message whose channel's id we choose and store before sending but which has
    none: it was never handed over, so it is queued again (its attempt given back).
    `stale_after` must exceed the longest a send can take (the sender's timeout).
    Returns how many messages were settled.
    """
    async with uow_factory() as uow:
        stale = await uow.messages.stale_sending(clock.now() - stale_after, limit)
    settled = 0
    for message in stale:
        if message.provider_message_id is None and sender.choose_id(message) is not None:
            settled += await _queue_again(uow_factory, message, clock)
            continue
        reported = await _provider_status(sender, message)
        now = clock.now()
        if reported in (MessageStatus.SCHEDULED, MessageStatus.SENDING):
            reported = MessageStatus.SENT  # the provider has it, still on its way
        if reported is None or not advance(message, reported, now):
            message.move_to(MessageStatus.NEEDS_REVIEW, now)
            message.last_error = (
                "worker stopped mid-send; the provider does not know it: check before resending"
                if message.provider_message_id
                else "worker stopped mid-send; outcome unknown: check before resending"
            )
        async with uow_factory() as uow:
            if await store(uow, message, MessageStatus.SENDING):
                settled += 1
            await uow.commit()
    return settled


async def _queue_again(uow_factory: UowFactory, message: Message, clock: Clock) -> int:
    """A message claimed but never handed to the provider: back to SCHEDULED, due now."""
    now = clock.now()
    message.move_to(MessageStatus.SCHEDULED, now)
    message.attempts = max(message.attempts - 1, 0)
    message.last_error = "worker stopped before sending; queued again"
    async with uow_factory() as uow:
        stored = await store(uow, message, MessageStatus.SENDING)
        await uow.commit()
    return int(stored)


async def _provider_status(sender: MessageSender, message: Message) -> MessageStatus | None:
    if message.provider_message_id is None:
        return None
    try:
        return await sender.fetch_status(message)
    except Exception:
        log.exception("message %s: provider status unavailable", message.id)
        return None
