"""What the audit trail records of each audited record, with personal data masked."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.audit import Changes, Value, diff
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.expense import Expense
from domain.messaging.consent import Consent
from domain.money import Money
from domain.payment import Payment
from domain.validation import mask_email, mask_phone

Snapshot = dict[str, Value]


def _masked_phone(value: Value) -> Value:
    return mask_phone(str(value))


def _masked_email(value: Value) -> Value:
    return mask_email(str(value))


def _length_only(value: Value) -> Value:
    """Free text about a customer may hold anything: record only how long it is."""
    return f"({len(str(value))} characters)"


CUSTOMER_MASKS: Mapping[str, Callable[[Value], Value]] = {
    "phone": _masked_phone,
    "email": _masked_email,
    "notes": _length_only,
}


def _money(money: Money) -> Value:
    return format(money.amount, "f")


def customer_fields(customer: Customer) -> Snapshot:
    """The customer's details, referral, preferred technician, preferences and consent."""
    d, p = customer.details, customer.preferences
    return {
        "name": d.name,
        "phone": d.phone,
        "email": d.email,
        "address": d.address,
        "time_zone": d.time_zone,
        "notes": d.notes,
        "referred_by_id": customer.referred_by_id,
        "preferred_technician_id": customer.preferred_technician_id,
        "preferred_contact_method": p.method.value if p.method else None,
        "preferred_contact_times": p.times.to_document() if p.times else None,
        "communication_frequency_preference": p.frequency.value if p.frequency else None,
        "language_preference": p.language,
        "marketing_consent": customer.marketing_consent,
    }


def customer_changes(before: Snapshot | None, after: Snapshot | None) -> Changes:
    """Changed customer fields (snapshots of `customer_fields`); phone and email masked,
    notes recorded by length only."""
    return diff(before, after, CUSTOMER_MASKS)


def payment_fields(payment: Payment) -> Snapshot:
    d = payment.details
    return {
        "customer_id": d.customer_id,
        "job_id": d.job_id,
        "amount": _money(d.amount),
        "currency": d.amount.currency,
        "payment_method": d.payment_method.value,
        "reference": d.reference,
        "paid_at": d.paid_at.isoformat(),
    }


def expense_fields(expense: Expense) -> Snapshot:
    d = expense.details
    return {
        "customer_id": d.customer_id,
        "job_id": d.job_id,
        "amount": _money(d.amount),
        "currency": d.amount.currency,
        "category": d.category,
        "description": d.description,
        "incurred_at": d.incurred_at.isoformat(),
    }


def opt_out_changes(before: Consent, channel: ContactMethod, opted_out: bool) -> Changes:
    """Whether `channel` was and now is opted out, as `<channel>_opted_out`."""
    name = f"{channel.value.lower()}_opted_out"
    return {name: [channel in before.opted_out, opted_out]}
