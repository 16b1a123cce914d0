"""Whether a message may go out now: consent, quiet hours, preferred times, frequency cap."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.contact_preferences import Frequency, QuietHours
from domain.customer import Customer
from domain.messaging.consent import Consent
from domain.messaging.message import Message, Purpose

# Automated (non-transactional) messages per rolling 7 days, by frequency preference.
WEEKLY_CAP: dict[Frequency | None, int] = {
    Frequency.MINIMAL: 1,
    Frequency.MODERATE: 3,
    Frequency.FREQUENT: 7,
    None: 3,
}
CAP_WINDOW = timedelta(days=7)


class Verdict(enum.StrEnum):
    SEND = "SEND"
    DEFER = "DEFER"
    SUPPRESS = "SUPPRESS"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reason: str
    not_before: datetime | None = None


def decide(
    customer: Customer,
    consent: Consent,
    message: Message,
    now: datetime,
    quiet: QuietHours,
    recent_sends: list[datetime],
) -> Decision:
    """SEND now, DEFER to the next allowed instant (never drop), or SUPPRESS with a reason.

    `recent_sends` are the instants of this customer's non-transactional messages sent in
    the last CAP_WINDOW (used for the frequency cap).
    """
    if not consent.permits(message.channel, message.purpose):
        return Decision(Verdict.SUPPRESS, f"no consent for {message.purpose} by {message.channel}")
    if not customer.channel_reachable(message.channel):
        return Decision(Verdict.SUPPRESS, f"no contact detail for {message.channel}")
    prefs = customer.preferences
    if prefs.method is not None and message.channel is not prefs.method:
        return Decision(Verdict.SUPPRESS, f"customer prefers {prefs.method}")
    not_before = now
    if message.purpose is not Purpose.TRANSACTIONAL:
        cap = WEEKLY_CAP[prefs.frequency]
        window = sorted(t for t in recent_sends if t > now - CAP_WINDOW)
        if len(window) >= cap:
            # The earliest instant at which fewer than `cap` sends remain in the window.
            not_before = window[len(window) - cap] + CAP_WINDOW
    slot = prefs.next_allowed(not_before, message.channel, customer.details.time_zone, quiet)
    if slot is None:
        return Decision(Verdict.SUPPRESS, "the customer's contact times allow no slot")
    if slot > now:
        return Decision(Verdict.DEFER, "outside the allowed contact window", slot)
    return Decision(Verdict.SEND, "allowed")
