"""Payment use cases: a payment belongs to an existing customer and, optionally, their job."""

from __future__ import annotations

import pytest

from application import payments as uc
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import NotFound, ValidationFailed
from domain.payment import PaymentMethod
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer, a_job, payment_details, usd


async def test_create_records_a_payment_for_a_job(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    uow = db.uow()
    details = payment_details(customer_id, job_id=job_id, reference=" INV-7 ")
    payment = await uc.create_payment(SYSTEM, uow, clock, details)
    assert uow.committed
    assert (payment.id, payment.created_at, payment.details.reference) == (1, clock.now(), "INV-7")
    assert payment.details.amount == usd("125.50")
    assert await uc.get_payment(SYSTEM, db.uow(), 1) == payment


async def test_create_without_a_job(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    payment = await uc.create_payment(SYSTEM, db.uow(), clock, payment_details(customer_id))
    assert payment.details.job_id is None


@pytest.mark.parametrize(
    ("customer_exists", "job_id", "field"), [(False, None, "customer_id"), (True, 55, "job_id")]
)
async def test_create_names_the_missing_reference(
    db: FakeDatabase, clock: FakeClock, customer_exists: bool, job_id: int | None, field: str
) -> None:
    customer_id = await a_customer(db, clock) if customer_exists else 66
    before = db.snapshot()
    with pytest.raises(NotFound) as missing:
        await uc.create_payment(
            SYSTEM, db.uow(), clock, payment_details(customer_id, job_id=job_id)
        )
    assert missing.value.field == field
    assert db.snapshot() == before


async def test_create_refuses_another_customers_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    bobs_job = await a_job(db, clock, bob)
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_payment(SYSTEM, db.uow(), clock, payment_details(ann, job_id=bobs_job))
    assert "job_id" in refused.value.errors
    assert db.rows("payments") == []


@pytest.mark.parametrize("amount", ["0.00", "-10.00"])
async def test_create_refuses_non_positive_amounts(
    db: FakeDatabase, clock: FakeClock, amount: str
) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_payment(
            SYSTEM, db.uow(), clock, payment_details(customer_id, amount=usd(amount))
        )
    assert "amount" in refused.value.errors
    assert db.rows("payments") == []


async def test_get_missing_payment(db: FakeDatabase) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.get_payment(SYSTEM, db.uow(), 8)
    assert (missing.value.entity, missing.value.field) == ("payment", None)


async def test_update_corrects_a_payment(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    payment = await uc.create_payment(SYSTEM, db.uow(), clock, payment_details(customer_id))
    assert payment.id is not None
    new = payment_details(customer_id, amount=usd("99.99"), payment_method=PaymentMethod.CASH)
    updated = await uc.update_payment(SYSTEM, db.uow(), clock, payment.id, new)
    assert (updated.details.amount, updated.details.payment_method) == (
        usd("99.99"),
        PaymentMethod.CASH,
    )
    assert updated.created_at == payment.created_at
    assert await uc.get_payment(SYSTEM, db.uow(), payment.id) == updated


async def test_update_refuses_another_customers_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    bobs_job = await a_job(db, clock, bob)
    payment = await uc.create_payment(SYSTEM, db.uow(), clock, payment_details(ann))
    assert payment.id is not None
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_payment(
            SYSTEM, db.uow(), clock, payment.id, payment_details(ann, job_id=bobs_job)
        )
    assert "job_id" in refused.value.errors
    assert db.snapshot() == before


async def test_update_missing_payment(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(NotFound):
        await uc.update_payment(SYSTEM, db.uow(), clock, 1, payment_details(customer_id))


async def test_list_filters_by_customer_and_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    anns_job = await a_job(db, clock, ann)
    for details in (
        payment_details(ann),
        payment_details(bob),
        payment_details(ann, job_id=anns_job),
    ):
        await uc.create_payment(SYSTEM, db.uow(), clock, details)
    by_ann = await uc.list_payments(SYSTEM, db.uow(), ListQuery().with_filters(customer_id=ann))
    assert ([p.id for p in by_ann.items], by_ann.total) == ([3, 1], 2)
    by_job = await uc.list_payments(SYSTEM, db.uow(), ListQuery().with_filters(job_id=anns_job))
    assert [p.id for p in by_job.items] == [3]
    page = await uc.list_payments(SYSTEM, db.uow(), ListQuery(limit=1))
    assert ([p.id for p in page.items], page.total) == ([3], 3)


async def test_delete_payment(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    payment = await uc.create_payment(SYSTEM, db.uow(), clock, payment_details(customer_id))
    assert payment.id is not None
    await uc.delete_payment(SYSTEM, db.uow(), clock, payment.id)
    assert db.rows("payments") == []
    with pytest.raises(NotFound):
        await uc.delete_payment(SYSTEM, db.uow(), clock, payment.id)
