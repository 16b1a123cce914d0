"""Consent: an append-only ledger per channel x purpose, and the state derived from it.

Every change is a `ConsentEntry` (channel, purpose, allowed, when, source, actor). The
current state of a channel x purpose is its latest entry (by time, then by order of
recording); with no entry, TRANSACTIONAL messages are allowed and MARKETING ones are not
(marketing needs an opt-in). A STOP on a channel opts out of both purposes on it; START
re-allows TRANSACTIONAL only (marketing needs a fresh opt-in).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from domain.contact_preferences import ContactMethod
from domain.messaging.message import Purpose

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

DEFAULT_ALLOWED: dict[Purpose, bool] = {Purpose.TRANSACTIONAL: True, Purpose.MARKETING: False}
# Where an entry came from (staff entries: `staff_source(user_id)`; inbound: `keyword_source`).
CUSTOMER_RECORD = "customer record"  # the customer's marketing consent flag was set
MIGRATION = "migration"  # carried over from the records before the ledger
MAX_SOURCE, MAX_NOTE = 100, 500


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


def staff_source(user_id: int | None) -> str:
    return f"staff:{user_id}"


def keyword_source(channel: ContactMethod, keyword: Keyword) -> str:
    """`sms STOP`, `whatsapp START`, ..."""
    return f"{channel.value.lower()} {keyword.value}"


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    """One line of the ledger; `actor_user_id` is None when the customer (or their
    provider) acted. `id` is set once recorded."""

    channel: ContactMethod
    purpose: Purpose
    allowed: bool
    at: datetime
    source: str
    actor_user_id: int | None = None
    note: str | None = None
    id: int | None = None


def keyword_entries(
    channel: ContactMethod, keyword: Keyword, at: datetime, note: str | None = None
) -> list[ConsentEntry]:
    """The entries a STOP (both purposes off) or START (transactional back on) records."""
    source = keyword_source(channel, keyword)
    if keyword is Keyword.STOP:
        return [ConsentEntry(channel, p, False, at, source, None, note) for p in Purpose]
    if keyword is Keyword.START:
        return [ConsentEntry(channel, Purpose.TRANSACTIONAL, True, at, source, None, note)]
    return []


def marketing_entries(
    channels: Iterable[ContactMethod], allowed: bool, at: datetime, source: str, actor: int | None
) -> list[ConsentEntry]:
    """Marketing consent given or withdrawn on `channels` at once."""
    return [ConsentEntry(c, Purpose.MARKETING, allowed, at, source, actor) for c in channels]


@dataclass(frozen=True, slots=True)
class ConsentState:
    """Whether a channel x purpose is allowed now, since when and why (None: the default)."""

    channel: ContactMethod
    purpose: Purpose
    allowed: bool
    since: datetime | None = None
    source: str | None = None


Key = tuple[ContactMethod, Purpose]
KEYS: tuple[Key, ...] = tuple((c, p) for c in ContactMethod for p in Purpose)


@dataclass(slots=True)
class Consent:
    """A customer's consent, derived from their ledger: the latest entry per key wins."""

    latest: dict[Key, ConsentEntry] = field(default_factory=dict)

    @classmethod
    def from_entries(cls, entries: Iterable[ConsentEntry]) -> Consent:
        """`entries` in the order they were recorded; ordered by time (stable sort)."""
        consent = cls()
        for entry in sorted(entries, key=lambda e: e.at):
            consent.latest[(entry.channel, entry.purpose)] = entry
        return consent

    def permits(self, channel: ContactMethod, purpose: Purpose) -> bool:
        entry = self.latest.get((channel, purpose))
        return DEFAULT_ALLOWED[purpose] if entry is None else entry.allowed

    def state(self, channel: ContactMethod, purpose: Purpose) -> ConsentState:
        entry = self.latest.get((channel, purpose))
        if entry is None:
            return ConsentState(channel, purpose, DEFAULT_ALLOWED[purpose])
        return ConsentState(channel, purpose, entry.allowed, entry.at, entry.source)

    def states(self) -> list[ConsentState]:
        """All channel x purpose pairs, in a fixed order."""
        return [self.state(c, p) for c, p in KEYS]

    @property
    def opted_out(self) -> set[ContactMethod]:
        """Channels on which nothing may be sent (transactional opted out)."""
        return {c for c in ContactMethod if not self.permits(c, Purpose.TRANSACTIONAL)}

    def marketing_anywhere(self) -> bool:
        """What the customer's `marketing_consent` flag shows: marketing allowed somewhere."""
        return any(self.permits(c, Purpose.MARKETING) for c in ContactMethod)
