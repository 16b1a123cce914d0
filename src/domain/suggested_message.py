"""What a stored follow-up suggestion proposes to send: its action, channel and time.

Suggestions are stored as text (`application.engagement.suggestions.suggestion_text`):
`<action> (by <CHANNEL>[, <time>]; <priority> priority). Why: <reason> ...`. Reading it
back gives the defaults of `POST /follow-ups/{id}/send`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.contact_preferences import ContactMethod

_SHAPE = re.compile(
    r"^(?P<action>.+?) \(by (?P<channel>WHATSAPP|EMAIL|PHONE|SMS)(?:, (?P<time>[^;]*))?;"
    r" (?:high|medium|low) priority\)\. Why: ",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class SuggestedMessage:
    action: str
    channel: ContactMethod | None = None
    time: str | None = None  # as the suggestion wrote it: ISO 8601, maybe without offset


def read_suggestion(text: str) -> SuggestedMessage:
    """The parts of a suggestion's text; text of another shape is all action."""
    found = _SHAPE.match(text)
    if found is None:
        return SuggestedMessage(text.strip())
    return SuggestedMessage(
        found["action"].strip(), ContactMethod(found["channel"]), found["time"] or None
    )


def suggested_instant(time: str | None, time_zone: str, now: datetime) -> datetime:
    """When to send: the suggested time (local to the customer when it has no offset), or
    `now` when there is none, it does not parse, or it has passed."""
    if time is None:
        return now
    try:
        when = datetime.fromisoformat(time)
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(time_zone))
        when = when.astimezone(UTC)
    except (ValueError, KeyError, OverflowError):
        return now
    return max(when, now)
