"""Twilio's message statuses (status callbacks and fetches) as ours."""

from __future__ import annotations

from domain.messaging.message import MessageStatus

M = MessageStatus
# Anything Twilio still holds counts as SENT: ours means "handed to the provider".
TWILIO_STATUSES: dict[str, MessageStatus] = {
    "accepted": M.SENT,
    "scheduled": M.SENT,
    "queued": M.SENT,
    "sending": M.SENT,
    "sent": M.SENT,
    "delivered": M.DELIVERED,
    "read": M.DELIVERED,
    "undelivered": M.UNDELIVERED,
    "failed": M.FAILED,
}


def map_provider_status(value: str) -> MessageStatus | None:
    """Our status for a status string Twilio reported; None if it has no meaning for us
    (e.g. "receiving", "canceled")."""
    return TWILIO_STATUSES.get(value.strip().lower())
