"""TwiML: the reply Twilio sends back for an inbound message."""

from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse

TWIML_MEDIA_TYPE = "application/xml"


def twiml_reply(text: str | None) -> str:
    """A MessagingResponse with `text` as its message, or empty (no reply) for None."""
    response = MessagingResponse()
    if text is not None:
        response.message(text)
    return str(response)
