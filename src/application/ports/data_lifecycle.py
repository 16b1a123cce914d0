"""Data lifecycle port: erasing a customer's personal data, pruning what is past retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Per kind of record, the instant before which it is pruned; None keeps it forever."""

    scheduler_runs: datetime | None = None
    webhook_events: datetime | None = None
    message_bodies: datetime | None = None  # of final messages; the metadata stays
    audit_entries: datetime | None = None


class DataLifecycle(Protocol):
    """Bulk writes over many tables, inside the unit of work's transaction."""

    async def erase_customer(self, customer_id: int) -> dict[str, int]:
        """Replace the personal data of the customer and of every record about them
        (messages, consent sources, audit entries, notes...); financial records stay,
        pointing at the anonymised customer. Returns the rows changed per table."""
        ...

    async def prune(self, cutoffs: Cutoffs) -> dict[str, int]:
        """Delete (or, for message bodies, blank) what is older than its cutoff; returns
        the rows pruned per kind."""
        ...
