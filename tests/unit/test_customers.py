"""Customer use cases through the in-memory unit of work."""

from __future__ import annotations

from typing import Any

import pytest

from application import customers as uc
from application import expenses, payments
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import Conflict, NotFound, ValidationFailed
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_customer,
    a_job,
    customer_details,
    expense_details,
    payment_details,
)


async def test_create_stores_a_normalised_customer(db: FakeDatabase, clock: FakeClock) -> None:
    uow = db.uow()
    created = await uc.create_customer(
        SYSTEM, uow, clock, customer_details(phone="+1 415-555-0123")
    )
    assert uow.committed
    assert created.id == 1
    assert created.created_at == clock.now()
    assert created.details.phone == "+14155550123"
    assert await uc.get_customer(SYSTEM, db.uow(), 1) == created


async def test_create_with_bad_input_stores_nothing(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_customer(SYSTEM, db.uow(), clock, customer_details(name=" ", phone="123"))
    assert set(refused.value.errors) == {"name", "phone"}
    assert db.rows("customers") == []


async def test_get_missing_customer(db: FakeDatabase) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.get_customer(SYSTEM, db.uow(), 42)
    assert (missing.value.entity, missing.value.entity_id, missing.value.field) == (
        "customer",
        42,
        None,
    )


async def test_update_replaces_the_details(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    created_at = clock.now()
    clock.advance(days=1)
    new = customer_details(name="Ada King", email=None, time_zone="Europe/London")
    updated = await uc.update_customer(SYSTEM, db.uow(), clock, customer_id, new)
    assert updated.details.name == "Ada King"
    stored = await uc.get_customer(SYSTEM, db.uow(), customer_id)
    assert stored == updated
    assert stored.details.email is None and stored.created_at == created_at


async def test_update_with_bad_input_keeps_the_stored_customer(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_customer(
            SYSTEM, db.uow(), clock, customer_id, customer_details(time_zone="Nowhere")
        )
    assert "time_zone" in refused.value.errors
    assert db.snapshot() == before


async def test_update_missing_customer(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        await uc.update_customer(SYSTEM, db.uow(), clock, 7, customer_details())


async def test_list_is_newest_first_and_paged(db: FakeDatabase, clock: FakeClock) -> None:
    for name in ("A", "B", "C", "D", "E"):
        await a_customer(db, clock, name=name)
    page = await uc.list_customers(SYSTEM, db.uow(), ListQuery(limit=2, offset=1))
    assert [c.details.name for c in page.items] == ["D", "C"]
    assert (page.total, page.limit, page.offset) == (5, 2, 1)
    beyond = await uc.list_customers(SYSTEM, db.uow(), ListQuery(limit=2, offset=10))
    assert (beyond.items, beyond.total) == ([], 5)


async def test_list_refuses_unknown_filters(db: FakeDatabase) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await uc.list_customers(SYSTEM, db.uow(), ListQuery(filters={"password": "x"}))
    assert "password" in refused.value.errors


async def test_delete_removes_the_customer(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    await uc.delete_customer(SYSTEM, db.uow(), clock, customer_id)
    with pytest.raises(NotFound):
        await uc.get_customer(SYSTEM, db.uow(), customer_id)


async def test_delete_missing_customer(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        await uc.delete_customer(SYSTEM, db.uow(), clock, 3)


async def _job_of(db: FakeDatabase, clock: FakeClock, customer_id: int) -> Any:
    return await a_job(db, clock, customer_id)


async def _payment_of(db: FakeDatabase, clock: FakeClock, customer_id: int) -> Any:
    return await payments.create_payment(SYSTEM, db.uow(), clock, payment_details(customer_id))


async def _expense_of(db: FakeDatabase, clock: FakeClock, customer_id: int) -> Any:
    details = expense_details(customer_id=customer_id)
    return await expenses.create_expense(SYSTEM, db.uow(), clock, details)


@pytest.mark.parametrize("reference", [_job_of, _payment_of, _expense_of])
async def test_delete_of_a_referenced_customer_is_a_conflict(
    db: FakeDatabase, clock: FakeClock, reference: Any
) -> None:
    customer_id = await a_customer(db, clock)
    await reference(db, clock, customer_id)
    before = db.snapshot()
    with pytest.raises(Conflict):
        await uc.delete_customer(SYSTEM, db.uow(), clock, customer_id)
    assert db.snapshot() == before
