"""Recording like a till, over fakes: a payment or expense left undated happens now (the
clock), a revision keeps the date; the referrer is cleared and audited; an appliance's
stated lastServiceDate is never in the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application import appliances, customers, expenses, payments
from application.access import Actor
from application.customers import Referrer
from domain.errors import ValidationFailed
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_customer,
    appliance_details,
    customer_details,
    expense_details,
    payment_details,
)

OFFICE = Actor(7, Role.OFFICE)
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


async def test_undated_money_happens_now_and_a_revision_keeps_the_date(db: FakeDatabase) -> None:
    clock = FakeClock(NOW)
    customer = await a_customer(db, clock)
    details = payment_details(customer, paid_at=None, payment_method=None)
    paid = await payments.create_payment(OFFICE, db.uow(), clock, details)
    assert paid.details.paid_at == NOW and paid.details.payment_method is None
    spent = await expenses.create_expense(
        OFFICE, db.uow(), clock, expense_details(incurred_at=None)
    )
    assert spent.details.incurred_at == NOW
    clock.set(NOW + timedelta(days=1))
    assert paid.id is not None and spent.id is not None
    revised = await payments.update_payment(OFFICE, db.uow(), clock, paid.id, details)
    assert revised.details.paid_at == NOW
    again = await expenses.update_expense(
        OFFICE, db.uow(), clock, spent.id, expense_details(incurred_at=None, category="fuel")
    )
    assert again.details.incurred_at == NOW and again.details.category == "fuel"


async def test_the_referrer_is_set_by_id_then_cleared_and_both_are_audited(
    db: FakeDatabase,
) -> None:
    clock = FakeClock(NOW)
    referrer = await a_customer(db, clock, name="Ref")
    customer = await a_customer(db, clock, name="New")
    details = customer_details(name="New")
    update = customers.update_customer
    await update(OFFICE, db.uow(), clock, customer, details, Referrer(customer_id=referrer))
    assert (await customers.get_customer(OFFICE, db.uow(), customer)).referred_by_id == referrer
    unchanged = await update(OFFICE, db.uow(), clock, customer, details)
    assert unchanged.referred_by_id == referrer
    cleared = await update(OFFICE, db.uow(), clock, customer, details, Referrer())
    assert cleared.referred_by_id is None
    trail = [e.changes for e in db.tables["audit_entries"].values() if e.entity_id == customer]
    assert trail[-1] == {"referred_by_id": [referrer, None]}
    with pytest.raises(ValidationFailed) as itself:
        await update(OFFICE, db.uow(), clock, customer, details, Referrer(customer_id=customer))
    assert list(itself.value.errors) != []


async def test_a_stated_last_service_date_is_never_in_the_future(db: FakeDatabase) -> None:
    clock = FakeClock(NOW)
    customer = await a_customer(db, clock)
    new = appliances.NewAppliance(appliance_details(customer), NOW - timedelta(days=90))
    appliance = await appliances.create_appliance(OFFICE, db.uow(), clock, new)
    assert appliance.last_service_date == NOW - timedelta(days=90) and appliance.job_id is None
    exactly_now = appliances.NewAppliance(appliance_details(customer), NOW)
    assert (await appliances.create_appliance(OFFICE, db.uow(), clock, exactly_now)).id
    before = db.snapshot()
    future = appliances.NewAppliance(appliance_details(customer), NOW + timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as refused:
        await appliances.create_appliance(OFFICE, db.uow(), clock, future)
    assert refused.value.errors == {"last_service_date": "must not be in the future"}
    assert db.snapshot() == before
