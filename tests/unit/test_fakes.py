"""The fakes behave like the SQL adapters where the use cases depend on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.pagination import ListQuery
from domain.customer import Customer
from domain.errors import Conflict, ValidationFailed
from domain.job import Job
from tests.fakes import FakeClock, FakeDatabase, FakePasswordHasher
from tests.unit.builders import WHEN, customer_details, job_details


def a_customer_entity(name: str = "Ada") -> Customer:
    return Customer.register(customer_details(name=name), WHEN)


async def test_committed_changes_are_kept_and_others_discarded(db: FakeDatabase) -> None:
    async with db.uow() as uow:
        await uow.customers.add(a_customer_entity("kept"))
        await uow.commit()
        await uow.customers.add(a_customer_entity("after commit"))
    async with db.uow() as uow:
        await uow.customers.add(a_customer_entity("never committed"))
    assert [c.details.name for c in db.rows("customers")] == ["kept"]


async def test_an_exception_rolls_back(db: FakeDatabase) -> None:
    uow = db.uow()
    with pytest.raises(RuntimeError, match="boom"):
        async with uow:
            await uow.customers.add(a_customer_entity())
            raise RuntimeError("boom")
    assert not uow.committed
    assert db.rows("customers") == []


async def test_ids_increase_and_are_not_reused_after_a_rollback(db: FakeDatabase) -> None:
    async with db.uow() as uow:
        await uow.customers.add(a_customer_entity())
    async with db.uow() as uow:
        added = await uow.customers.add(a_customer_entity())
        await uow.commit()
    assert added.id == 2


async def test_a_unit_of_work_is_used_once(db: FakeDatabase) -> None:
    uow = db.uow()
    async with uow:
        pass
    with pytest.raises(RuntimeError):
        async with uow:
            pass
    with pytest.raises(RuntimeError, match="outside"):
        await uow.customers.get(1)


async def test_stored_rows_are_copies(db: FakeDatabase) -> None:
    async with db.uow() as uow:
        customer = await uow.customers.add(a_customer_entity("Ada"))
        await uow.commit()
    customer.details.name = "changed outside"
    async with db.uow() as uow:
        found = await uow.customers.get(1)
        assert found is not None
        found.details.name = "changed without update"
    assert db.rows("customers")[0].details.name == "Ada"


async def test_foreign_keys_restrict_deletes_and_dangling_inserts(db: FakeDatabase) -> None:
    async with db.uow() as uow:
        await uow.customers.add(a_customer_entity())
        await uow.jobs.add(Job.schedule(job_details(1), WHEN))
        with pytest.raises(Conflict):
            await uow.customers.delete(1)
        with pytest.raises(Conflict):
            await uow.jobs.add(Job.schedule(job_details(99), WHEN))
        assert await uow.jobs.delete(1)
        assert await uow.customers.delete(1)
        assert not await uow.customers.delete(1)


async def test_list_filters_orders_and_pages(db: FakeDatabase) -> None:
    async with db.uow() as uow:
        for name in ("a", "b", "c"):
            await uow.customers.add(a_customer_entity(name))
        for customer_id in (1, 2, 1):
            await uow.jobs.add(Job.schedule(job_details(customer_id), WHEN))
        page = await uow.customers.list(ListQuery(limit=2, offset=1))
        assert ([c.id for c in page.items], page.total) == ([2, 1], 3)
        jobs = await uow.jobs.list(ListQuery(filters={"customer_id": 1, "status": "SCHEDULED"}))
        assert [j.id for j in jobs.items] == [3, 1]
        with pytest.raises(ValidationFailed):
            await uow.customers.list(ListQuery(filters={"name": "a"}))


def test_fake_clock_is_aware_and_moves_only_when_told() -> None:
    clock = FakeClock(WHEN)
    assert clock.now() == WHEN and clock.now().tzinfo is not None
    assert clock.advance(minutes=5) == WHEN + timedelta(minutes=5)
    clock.set(datetime(2025, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2025
    with pytest.raises(ValueError):
        clock.set(datetime(2025, 1, 1))


def test_fake_hasher_round_trips() -> None:
    hasher = FakePasswordHasher()
    hashed = hasher.hash("secret-password-1")
    assert hashed != "secret-password-1"
    assert hasher.verify(hashed, "secret-password-1")
    assert not hasher.verify(hashed, "other-password-1")
