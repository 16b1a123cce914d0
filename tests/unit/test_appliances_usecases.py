"""Appliance use cases with fakes, and jobs that name an appliance and record its service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from application import appliances as uc
from application import jobs
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import InvalidTransition, NotFound, ValidationFailed
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_completed_job,
    a_customer,
    a_job,
    an_appliance,
    appliance_details,
    job_details,
)


async def test_create_registers_an_appliance_of_a_customer(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    uow = db.uow()
    details = appliance_details(customer_id, type="  Dishwasher ", installed_on=date(2020, 5, 1))
    appliance = await uc.create_appliance(SYSTEM, uow, clock, details)
    assert uow.committed
    assert appliance.id == 1
    assert appliance.details.type == "dishwasher"
    assert appliance.details.installed_on == date(2020, 5, 1)
    assert appliance.created_at == appliance.updated_at == clock.now()
    assert (appliance.last_service_date, appliance.job_id) == (None, None)
    assert await uc.get_appliance(SYSTEM, db.uow(), 1) == appliance


async def test_create_for_an_unknown_customer_names_customer_id(
    db: FakeDatabase, clock: FakeClock
) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.create_appliance(SYSTEM, db.uow(), clock, appliance_details(42))
    assert (missing.value.entity, missing.value.field) == ("customer", "customer_id")
    assert db.rows("appliances") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "  "}, "type"),
        ({"type": "x" * 101}, "type"),
        ({"brand": "b\x00"}, "brand"),
        ({"model_number": "m" * 101}, "model_number"),
        ({"serial_number": "s" * 101}, "serial_number"),
    ],
)
async def test_bad_details_store_nothing(
    db: FakeDatabase, clock: FakeClock, changes: dict[str, str], field: str
) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_appliance(
            SYSTEM, db.uow(), clock, appliance_details(customer_id, **changes)
        )
    assert field in refused.value.errors
    assert db.rows("appliances") == []


async def test_update_revises_details_and_keeps_history(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(db, clock, customer_id)
    job_id = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    await jobs.start_job(SYSTEM, db.uow(), clock, job_id)
    completed = await jobs.complete_job(SYSTEM, db.uow(), clock, job_id)
    created = await uc.get_appliance(SYSTEM, db.uow(), appliance_id)
    later = clock.advance(hours=2)
    new = appliance_details(customer_id, brand="Bosch", serial_number=None)
    updated = await uc.update_appliance(SYSTEM, db.uow(), clock, appliance_id, new)
    assert (updated.details.brand, updated.details.serial_number) == ("Bosch", None)
    assert updated.updated_at == later and updated.created_at == created.created_at
    assert updated.last_service_date == completed.completion_date
    assert updated.job_id == job_id
    assert await uc.get_appliance(SYSTEM, db.uow(), appliance_id) == updated


async def test_an_appliance_stays_with_its_customer(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    other = await a_customer(db, clock, name="Other")
    appliance_id = await an_appliance(db, clock, customer_id)
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_appliance(SYSTEM, db.uow(), clock, appliance_id, appliance_details(other))
    assert list(refused.value.errors) == ["customer_id"]
    assert db.snapshot() == before


async def test_missing_appliance_is_not_found_everywhere(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(NotFound):
        await uc.get_appliance(SYSTEM, db.uow(), 9)
    with pytest.raises(NotFound):
        await uc.update_appliance(SYSTEM, db.uow(), clock, 9, appliance_details(customer_id))
    with pytest.raises(NotFound):
        await uc.delete_appliance(SYSTEM, db.uow(), 9)


async def test_list_filters_by_customer_newest_first(db: FakeDatabase, clock: FakeClock) -> None:
    ada = await a_customer(db, clock)
    bob = await a_customer(db, clock, name="Bob")
    first = await an_appliance(db, clock, ada)
    await an_appliance(db, clock, bob)
    third = await an_appliance(db, clock, ada, type="oven")
    page = await uc.list_appliances(SYSTEM, db.uow(), ListQuery().with_filters(customer_id=ada))
    assert [a.id for a in page.items] == [third, first] and page.total == 2
    everything = await uc.list_appliances(SYSTEM, db.uow(), ListQuery(limit=1, offset=1))
    assert everything.total == 3 and len(everything.items) == 1


async def test_delete_removes_it_and_jobs_stop_pointing_at_it(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(db, clock, customer_id)
    job_id = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    await uc.delete_appliance(SYSTEM, db.uow(), appliance_id)
    assert db.rows("appliances") == []
    assert (await jobs.get_job(SYSTEM, db.uow(), job_id)).details.appliance_id is None


# Jobs that name an appliance


@pytest.mark.parametrize("writing", ["create", "update"])
async def test_a_job_names_an_existing_appliance_of_its_customer(
    db: FakeDatabase, clock: FakeClock, writing: str
) -> None:
    customer_id = await a_customer(db, clock)
    other = await a_customer(db, clock, name="Other")
    foreign = await an_appliance(db, clock, other)
    job_id = await a_job(db, clock, customer_id) if writing == "update" else None

    async def write(appliance_id: int) -> object:
        details = job_details(customer_id, appliance_id=appliance_id)
        if job_id is None:
            return await jobs.create_job(SYSTEM, db.uow(), clock, details)
        return await jobs.update_job(SYSTEM, db.uow(), job_id, details)

    before = db.snapshot()
    with pytest.raises(NotFound) as missing:
        await write(999)
    assert (missing.value.entity, missing.value.field) == ("appliance", "appliance_id")
    with pytest.raises(ValidationFailed) as refused:
        await write(foreign)
    assert list(refused.value.errors) == ["appliance_id"]
    assert db.snapshot() == before
    own = await an_appliance(db, clock, customer_id)
    await write(own)
    assert [j.details.appliance_id for j in db.rows("jobs")] == [own]


async def test_completing_a_job_records_the_service_on_its_appliance(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(db, clock, customer_id)
    clock.advance(days=1)
    job_id = await a_completed_job(db, clock, customer_id, appliance_id=appliance_id)
    appliance = await uc.get_appliance(SYSTEM, db.uow(), appliance_id)
    job = await jobs.get_job(SYSTEM, db.uow(), job_id)
    assert appliance.last_service_date == job.completion_date == clock.now()
    assert appliance.job_id == job_id and appliance.updated_at == clock.now()


async def test_last_service_date_moves_forward_never_backward(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(db, clock, customer_id)
    early = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    late = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    latest = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    for job_id in (early, late, latest):
        await jobs.start_job(SYSTEM, db.uow(), clock, job_id)
    start = clock.now()

    # The later job is completed first (clock at +3 days) ...
    clock.set(start + timedelta(days=3))
    await jobs.complete_job(SYSTEM, db.uow(), clock, late)
    # ... then the earlier one, at an earlier instant: the appliance keeps the later service.
    clock.set(start + timedelta(days=1))
    await jobs.complete_job(SYSTEM, db.uow(), clock, early)
    appliance = await uc.get_appliance(SYSTEM, db.uow(), appliance_id)
    assert appliance.last_service_date == start + timedelta(days=3)
    assert appliance.job_id == late
    assert appliance.updated_at == start + timedelta(days=3)
    assert (await jobs.get_job(SYSTEM, db.uow(), early)).completion_date == start + timedelta(
        days=1
    )

    # A service after the last one moves it forward again.
    clock.set(start + timedelta(days=5))
    await jobs.complete_job(SYSTEM, db.uow(), clock, latest)
    appliance = await uc.get_appliance(SYSTEM, db.uow(), appliance_id)
    assert (appliance.last_service_date, appliance.job_id) == (clock.now(), latest)


async def test_completing_a_job_without_appliance_touches_no_appliance(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    await an_appliance(db, clock, customer_id)
    before = db.rows("appliances")
    await a_completed_job(db, clock, customer_id)
    assert db.rows("appliances") == before


async def test_a_refused_completion_changes_no_appliance(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(db, clock, customer_id)
    job_id = await a_job(db, clock, customer_id, appliance_id=appliance_id)
    before = db.snapshot()
    with pytest.raises(InvalidTransition):
        await jobs.complete_job(SYSTEM, db.uow(), clock, job_id)
    assert db.snapshot() == before
