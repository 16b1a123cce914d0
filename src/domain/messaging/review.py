"""Settling a NEEDS_REVIEW message: a person checked at the provider and says what happened."""

from __future__ import annotations

import enum
from datetime import datetime

from domain.errors import Conflict
from domain.messaging.message import Message, MessageStatus

M = MessageStatus


class Resolution(enum.StrEnum):
    SENT = "SENT"  # the provider has it: recorded as sent, never sent again
    NOT_SENT = "NOT_SENT"  # the provider never got it: one new attempt, due now


def resolve(message: Message, resolution: Resolution, now: datetime) -> None:
    """Move a NEEDS_REVIEW message on as `resolution` says; any other status is a
    Conflict. NOT_SENT forgets the old provider id (the new attempt gets its own)."""
    if message.status is not M.NEEDS_REVIEW:
        raise Conflict(
            f"message {message.id} is {message.status}; only a NEEDS_REVIEW one can be resolved"
        )
    if resolution is Resolution.SENT:
        message.move_to(M.SENT, now)
        message.sent_at = message.sent_at or now
        message.last_error = None
        return
    message.move_to(M.SCHEDULED, now)
    message.scheduled_for = now
    message.last_error = (
        f"resolved as not sent (was {message.provider_message_id}); queued again"
        if message.provider_message_id
        else "resolved as not sent; queued again"
    )
    message.provider_message_id = None
