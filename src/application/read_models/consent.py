"""A customer's consent: the current state per channel x purpose and the ledger's history."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.contact_preferences import ContactMethod
from domain.messaging.consent import Consent, ConsentEntry
from domain.messaging.message import Purpose


class ConsentStateItem(msgspec.Struct, kw_only=True):
    """Whether `purpose` messages may go by `channel`; `since`/`source` are null while
    the default holds (transactional allowed, marketing not)."""

    channel: ContactMethod
    purpose: Purpose
    allowed: bool
    since: datetime | None
    source: str | None


class ConsentEntryItem(msgspec.Struct, kw_only=True):
    """One change in the ledger; `actor_user_id` is null when the customer acted."""

    id: int
    channel: ContactMethod
    purpose: Purpose
    allowed: bool
    at: datetime
    source: str
    actor_user_id: int | None
    note: str | None


class ConsentView(msgspec.Struct, kw_only=True):
    """`history` is newest first, one page of `history_total` entries."""

    state: list[ConsentStateItem]
    history: list[ConsentEntryItem]
    history_total: int


def state_items(consent: Consent) -> list[ConsentStateItem]:
    return [
        ConsentStateItem(
            channel=s.channel, purpose=s.purpose, allowed=s.allowed, since=s.since, source=s.source
        )
        for s in consent.states()
    ]


def entry_item(entry: ConsentEntry) -> ConsentEntryItem:
    assert entry.id is not None
    return ConsentEntryItem(
        id=entry.id,
        channel=entry.channel,
        purpose=entry.purpose,
        allowed=entry.allowed,
        at=entry.at,
        source=entry.source,
        actor_user_id=entry.actor_user_id,
        note=entry.note,
    )
