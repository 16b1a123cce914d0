"""Queueing a message in the outbox, inside the caller's unit of work."""

from __future__ import annotations

from application.ports.outbox import MessageRepository
from domain.messaging.message import Message


async def enqueue(messages: MessageRepository, message: Message) -> Message:
    """Add `message` unless one with its idempotency key exists; returns the stored one.

    Call it inside the unit of work of the business change that caused the message, so
    both land together or neither does.
    """
    existing = await messages.get_by_idempotency_key(message.idempotency_key)
    if existing is not None:
        return existing
    return await messages.add(message)
