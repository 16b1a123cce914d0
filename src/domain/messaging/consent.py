"""Consent: opt-outs per channel (STOP) and marketing consent, each with time and source."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from domain.contact_preferences import ContactMethod
from domain.messaging.message import Purpose

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})


class Keyword(enum.StrEnum):
    STOP = "STOP"
    START = "START"
    HELP = "HELP"
    NONE = "NONE"


def keyword_of(body: str) -> Keyword:
    """Carrier keywords are matched on the whole trimmed message, case-insensitively."""
    word = body.strip().upper().rstrip(".!")
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in START_WORDS:
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return Keyword.NONE


@dataclass(frozen=True, slots=True)
class ConsentChange:
    channel: ContactMethod
    opted_out: bool
    at: datetime
    source: str


@dataclass(slots=True)
class Consent:
    """A customer's consent state, rebuilt from the recorded changes (latest wins)."""

    opted_out: set[ContactMethod] = field(default_factory=set)
    marketing_allowed: bool = True

    @classmethod
    def from_changes(cls, changes: list[ConsentChange], marketing_allowed: bool = True) -> Consent:
        consent = cls(marketing_allowed=marketing_allowed)
        for change in sorted(changes, key=lambda c: c.at):
            if change.opted_out:
                consent.opted_out.add(change.channel)
            else:
                consent.opted_out.discard(change.channel)
        return consent

    def permits(self, channel: ContactMethod, purpose: Purpose) -> bool:
        if channel in self.opted_out:
            return False
        return purpose is Purpose.TRANSACTIONAL or self.marketing_allowed
