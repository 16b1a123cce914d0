"""A message's recipient as it may appear in logs (never the full number or address)."""

from __future__ import annotations

from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message
from domain.validation import mask_email, mask_phone


def masked_recipient(message: Message) -> str:
    """The recipient with all but a few characters hidden: e-mail or phone, by channel."""
    if message.channel is ContactMethod.EMAIL:
        return mask_email(message.recipient)
    return mask_phone(message.recipient)
