"""Field maps: one declaration per aggregate gives its row (both ways) and its audit snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Table

from adapters.sqlalchemy import tables as t
from domain.aggregate_fields import CUSTOMER_FIELDS, JOB_FIELDS, PAYMENT_FIELDS
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    Frequency,
)
from domain.customer import Customer, CustomerDetails
from domain.field_map import Field, FieldMap
from domain.job import Job, JobDetails, JobStatus
from domain.messaging.message import Message, MessageStatus, Purpose
from domain.messaging.message_fields import MESSAGE_FIELDS
from domain.money import Money
from domain.payment import Payment, PaymentDetails, PaymentMethod

NOW = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)


def a_customer() -> Customer:
    times = ContactTimes(frozenset({DaySlot.MORNING}), frozenset({DaySlot.ANY}))
    return Customer(
        details=CustomerDetails("Ada", "+14155550123", "ada@example.com", None, "UTC", "gate"),
        created_at=NOW,
        referral_code="ABCD2345",
        referred_by_id=3,
        preferences=ContactPreferences(ContactMethod.SMS, times, Frequency.MINIMAL, "pt-BR"),
        marketing_consent=True,
        id=7,
    )


def a_payment() -> Payment:
    details = PaymentDetails(1, Money.of("12.50", "USD"), NOW, PaymentMethod.CARD, 2, "r-1")
    return Payment(details=details, created_at=NOW, id=4)


def a_message() -> Message:
    return Message(
        1, Purpose.MARKETING, ContactMethod.EMAIL, "a@b.co", "hi", "en", NOW, "k", NOW, NOW, id=9
    )


@pytest.mark.parametrize(
    ("fields", "entity"),
    [
        (CUSTOMER_FIELDS, a_customer()),
        (PAYMENT_FIELDS, a_payment()),
        (MESSAGE_FIELDS, a_message()),
        (
            JOB_FIELDS,
            Job(JobDetails(1, "fix", NOW), NOW, id=3, status=JobStatus.IN_PROGRESS, started_at=NOW),
        ),
    ],
)
def test_an_aggregate_survives_its_row(fields: FieldMap[object], entity: object) -> None:
    row = fields.values(entity)
    assert "id" not in row
    assert fields.load({**row, "id": entity.id}) == entity  # type: ignore[attr-defined]


def test_rows_hold_plain_column_values() -> None:
    row = PAYMENT_FIELDS.values(a_payment())
    assert row["amount_minor"] == 1250 and row["currency"] == "USD"
    assert row["payment_method"] == "CARD"
    customer = CUSTOMER_FIELDS.values(a_customer())
    assert customer["preferred_contact_times"] == {"weekdays": ["morning"], "weekends": ["any"]}
    assert MESSAGE_FIELDS.values(a_message())["status"] == MessageStatus.SCHEDULED.value


@pytest.mark.parametrize(
    ("fields", "table"),
    [(CUSTOMER_FIELDS, t.customers), (PAYMENT_FIELDS, t.payments), (MESSAGE_FIELDS, t.messages)],
)
def test_a_field_map_stores_every_column_but_the_id(fields: FieldMap[object], table: Table) -> None:
    assert sorted(fields.stored_names) == sorted(c.name for c in table.c if c.name != "id")


def test_the_snapshot_is_the_audited_fields_json_ready() -> None:
    snapshot = PAYMENT_FIELDS.snapshot(a_payment())
    assert snapshot == {
        "customer_id": 1,
        "job_id": 2,
        "amount": "12.50",
        "currency": "USD",
        "payment_method": "CARD",
        "reference": "r-1",
        "paid_at": NOW.isoformat(),
    }
    customer = CUSTOMER_FIELDS.snapshot(a_customer())
    assert "created_at" not in customer and "referral_code" not in customer
    assert set(CUSTOMER_FIELDS.masks) == {"phone", "email", "notes"}
    assert CUSTOMER_FIELDS.masks["notes"]("gate") == "(4 characters)"
    assert Decimal(str(snapshot["amount"])) == Decimal("12.50")


def test_a_path_must_name_its_part() -> None:
    with pytest.raises(ValueError, match="no class given"):
        FieldMap(Payment, (Field("reference", "details.reference"),))
    with pytest.raises(ValueError, match="one part deep"):
        FieldMap(Payment, (Field("amount", "details.amount.amount"),), {"details": object})
