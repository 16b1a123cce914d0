"""What Twilio's webhooks carry, in provider-neutral terms: is the request really from
Twilio, who wrote on which channel, which token identifies a delivery, and the source name
an opt-out by reply is recorded under."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from domain.contact_preferences import ContactMethod

__all__ = [
    "CONSENT_SOURCE",
    "IDEMPOTENCY_HEADER",
    "SIGNATURE_HEADER",
    "SIGNATURE_SETTINGS_HEADER",
    "inbound_sender",
    "signature_valid",
]

#: The consent source of a STOP/START a customer sent us through Twilio.
CONSENT_SOURCE = "twilio-inbound"
#: Twilio's header identifying one webhook delivery (the same on its retries).
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
WHATSAPP_PREFIX = "whatsapp:"


def signature_valid(
    auth_tokens: Sequence[str],
    url: str,
    params: Mapping[str, Any],
    signature: str | None,
    signature_settings: str | None = None,
) -> bool:
    """Whether `signature` (X-Twilio-Signature) is Twilio's over the public `url` and the
    form `params`, made with one of `auth_tokens` (the current one, and during a rotation the
    one it replaces) and the algorithm `signature_settings` names (the SDK's default else)."""
    if not signature:
        return False
    algorithm = get_signature_algorithm(signature_settings)
    return any(
        RequestValidator(token).validate(url, params, signature, algorithm) for token in auth_tokens
    )


def inbound_sender(from_: str) -> tuple[str, ContactMethod]:
    """The plain phone number and channel of an inbound message's `From`
    (`whatsapp:+1555...` is WhatsApp, anything else SMS)."""
    value = from_.strip()
    if value.startswith(WHATSAPP_PREFIX):
        return value.removeprefix(WHATSAPP_PREFIX).strip(), ContactMethod.WHATSAPP
    return value, ContactMethod.SMS
