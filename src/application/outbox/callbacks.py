"""Delivery status the provider reported for one of our messages, applied only forward.

The provider adapter translates its own status names into our `MessageStatus` (or None
when a status means nothing to us); this module never sees a vendor's vocabulary. A
repeated webhook (same token) changes nothing."""

from __future__ import annotations

import enum
import hashlib
import logging

from application.outbox.claim import UowFactory
from application.outbox.state import apply_reported
from application.ports.clock import Clock
from domain.messaging.message import MessageStatus

log = logging.getLogger(__name__)

MAX_TOKEN = 200
CAS_ATTEMPTS = 3


class CallbackOutcome(enum.StrEnum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"  # late, repeated or out of order: nothing to move
    DUPLICATE = "duplicate"  # this webhook token was already processed
    UNKNOWN_MESSAGE = "unknown_message"
    UNKNOWN_STATUS = "unknown_status"


def receipt_token(token: str | None) -> str | None:
    """The webhook's idempotency token as stored (hashed when too long); None without one."""
    if not token:
        return None
    if len(token) <= MAX_TOKEN:
        return token
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


async def apply_status_callback(
    uow_factory: UowFactory,
    clock: Clock,
    provider_message_id: str,
    reported: MessageStatus | None,
    token: str | None,
    error_code: str | None = None,
) -> CallbackOutcome:
    """Apply a delivery status the provider reported (None: one without meaning for us);
    returns the `CallbackOutcome`. Unknown messages are ignored without remembering the
    token, so a redelivery after the sender recorded the id is still applied."""
    token = receipt_token(token)
    for _ in range(CAS_ATTEMPTS):
        now = clock.now()
        async with uow_factory() as uow:
            if token is not None and not await uow.webhook_events.remember(token, now):
                return CallbackOutcome.DUPLICATE
            message = await uow.messages.get_by_provider_id(provider_message_id)
            if message is None:
                log.info("status callback for unknown message %s ignored", provider_message_id)
                return CallbackOutcome.UNKNOWN_MESSAGE
            if reported is None:
                await uow.commit()
                return CallbackOutcome.UNKNOWN_STATUS
            error = f"provider error {error_code[:20]}" if error_code else None
            applied = await apply_reported(uow, message, reported, now, error)
            if applied is None:
                await uow.commit()
                return CallbackOutcome.UNCHANGED
            if applied:
                await uow.commit()
                return CallbackOutcome.APPLIED
        # Another writer moved the message meanwhile: roll back (token too), read again.
    return CallbackOutcome.UNCHANGED
