"""What the audit trail records of each audited record, with personal data masked.

Each snapshot is derived from the aggregate's field map (`domain/aggregate_fields.py`):
its audited fields, money as a decimal string plus currency, instants in ISO 8601.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.aggregate_fields import CUSTOMER_FIELDS, EXPENSE_FIELDS, PAYMENT_FIELDS
from domain.audit import Changes, Value, diff
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.expense import Expense
from domain.messaging.consent import Consent
from domain.payment import Payment

Snapshot = dict[str, Value]

CUSTOMER_MASKS: Mapping[str, Callable[[Value], Value]] = CUSTOMER_FIELDS.masks
"""Phone and email masked, notes recorded by length only."""


def customer_fields(customer: Customer) -> Snapshot:
    """The customer's details, referral, preferred technician, preferences and consent."""
    return CUSTOMER_FIELDS.snapshot(customer)


def customer_changes(before: Snapshot | None, after: Snapshot | None) -> Changes:
    """Changed customer fields (snapshots of `customer_fields`); phone and email masked,
    notes recorded by length only."""
    return diff(before, after, CUSTOMER_MASKS)


def payment_fields(payment: Payment) -> Snapshot:
    return PAYMENT_FIELDS.snapshot(payment)


def expense_fields(expense: Expense) -> Snapshot:
    return EXPENSE_FIELDS.snapshot(expense)


def opt_out_changes(before: Consent, channel: ContactMethod, opted_out: bool) -> Changes:
    """Whether `channel` was and now is opted out, as `<channel>_opted_out`."""
    name = f"{channel.value.lower()}_opted_out"
    return {name: [channel in before.opted_out, opted_out]}
