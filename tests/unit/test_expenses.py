"""Expense use cases: optionally tied to a customer and/or one of that customer's jobs."""

from __future__ import annotations

import pytest

from application import expenses as uc
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import NotFound, ValidationFailed
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer, a_job, expense_details, usd


async def test_create_a_shop_expense(db: FakeDatabase, clock: FakeClock) -> None:
    uow = db.uow()
    expense = await uc.create_expense(SYSTEM, uow, clock, expense_details(category=" Fuel "))
    assert uow.committed
    assert (expense.id, expense.created_at, expense.details.category) == (1, clock.now(), "Fuel")
    assert (expense.details.customer_id, expense.details.job_id) == (None, None)
    assert await uc.get_expense(SYSTEM, db.uow(), 1) == expense


@pytest.mark.parametrize("with_customer", [True, False])
async def test_create_for_a_job(db: FakeDatabase, clock: FakeClock, with_customer: bool) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    details = expense_details(customer_id=customer_id if with_customer else None, job_id=job_id)
    expense = await uc.create_expense(SYSTEM, db.uow(), clock, details)
    assert expense.details.job_id == job_id


@pytest.mark.parametrize(
    ("customer_id", "job_id", "field"), [(31, None, "customer_id"), (None, 32, "job_id")]
)
async def test_create_names_the_missing_reference(
    db: FakeDatabase, clock: FakeClock, customer_id: int | None, job_id: int | None, field: str
) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.create_expense(
            SYSTEM, db.uow(), clock, expense_details(customer_id=customer_id, job_id=job_id)
        )
    assert missing.value.field == field
    assert db.rows("expenses") == []


async def test_create_refuses_another_customers_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    bobs_job = await a_job(db, clock, bob)
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_expense(
            SYSTEM, db.uow(), clock, expense_details(customer_id=ann, job_id=bobs_job)
        )
    assert "job_id" in refused.value.errors
    assert db.rows("expenses") == []


async def test_create_refuses_a_zero_amount(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_expense(SYSTEM, db.uow(), clock, expense_details(amount=usd("0")))
    assert "amount" in refused.value.errors
    assert db.rows("expenses") == []


async def test_get_missing_expense(db: FakeDatabase) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.get_expense(SYSTEM, db.uow(), 2)
    assert missing.value.entity == "expense"


async def test_update_corrects_an_expense(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    expense = await uc.create_expense(SYSTEM, db.uow(), clock, expense_details())
    assert expense.id is not None
    new = expense_details(amount=usd("12.34"), customer_id=customer_id, description="gasket")
    updated = await uc.update_expense(SYSTEM, db.uow(), clock, expense.id, new)
    assert (updated.details.amount, updated.details.customer_id) == (usd("12.34"), customer_id)
    assert await uc.get_expense(SYSTEM, db.uow(), expense.id) == updated


async def test_update_refuses_another_customers_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    bobs_job = await a_job(db, clock, bob)
    expense = await uc.create_expense(SYSTEM, db.uow(), clock, expense_details(customer_id=ann))
    assert expense.id is not None
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_expense(
            SYSTEM, db.uow(), clock, expense.id, expense_details(customer_id=ann, job_id=bobs_job)
        )
    assert "job_id" in refused.value.errors
    assert db.snapshot() == before


async def test_update_missing_expense(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        await uc.update_expense(SYSTEM, db.uow(), clock, 1, expense_details())


async def test_list_filters_by_customer_and_job(db: FakeDatabase, clock: FakeClock) -> None:
    ann = await a_customer(db, clock)
    anns_job = await a_job(db, clock, ann)
    for details in (
        expense_details(),
        expense_details(customer_id=ann),
        expense_details(customer_id=ann, job_id=anns_job),
    ):
        await uc.create_expense(SYSTEM, db.uow(), clock, details)
    by_ann = await uc.list_expenses(SYSTEM, db.uow(), ListQuery().with_filters(customer_id=ann))
    assert ([e.id for e in by_ann.items], by_ann.total) == ([3, 2], 2)
    by_job = await uc.list_expenses(SYSTEM, db.uow(), ListQuery().with_filters(job_id=anns_job))
    assert [e.id for e in by_job.items] == [3]
    everything = await uc.list_expenses(SYSTEM, db.uow(), ListQuery())
    assert everything.total == 3


async def test_delete_expense(db: FakeDatabase, clock: FakeClock) -> None:
    expense = await uc.create_expense(SYSTEM, db.uow(), clock, expense_details())
    assert expense.id is not None
    await uc.delete_expense(SYSTEM, db.uow(), clock, expense.id)
    with pytest.raises(NotFound):
        await uc.get_expense(SYSTEM, db.uow(), expense.id)
    with pytest.raises(NotFound):
        await uc.delete_expense(SYSTEM, db.uow(), clock, expense.id)
