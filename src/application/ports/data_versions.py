"""The per-customer data version: what cached answers about a customer are keyed by."""

from __future__ import annotations

from typing import Protocol


class CustomerDataVersions(Protocol):
    """A number that changes, in the same transaction, with any change to a customer's
    records (the customer, jobs, payments, expenses, appliances, reviews, follow-ups,
    messages, consent, alerts, call tasks, referrals, their technicians' names)."""

    async def version(self, customer_id: int) -> int | None:
        """The customer's current data version; None when there is no such customer."""
        ...
