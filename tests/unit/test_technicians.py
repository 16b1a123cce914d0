"""Technician use cases through the in-memory unit of work."""

from __future__ import annotations

import pytest

from application import technicians as uc
from application import users
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase, FakePasswordHasher
from tests.unit.builders import a_customer, a_job, a_technician, technician_details


async def test_create_normalises_skills(db: FakeDatabase, clock: FakeClock) -> None:
    uow = db.uow()
    tech = await uc.create_technician(
        SYSTEM, uow, clock, technician_details(skills=(" HVAC", "hvac"))
    )
    assert uow.committed
    assert (tech.id, tech.details.skills, tech.details.active) == (1, ("hvac",), True)
    assert tech.created_at == clock.now()
    assert await uc.get_technician(SYSTEM, db.uow(), 1) == tech


async def test_create_with_bad_input_stores_nothing(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_technician(SYSTEM, db.uow(), clock, technician_details(email="nope"))
    assert "email" in refused.value.errors
    assert db.rows("technicians") == []


async def test_get_missing_technician(db: FakeDatabase) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.get_technician(SYSTEM, db.uow(), 5)
    assert missing.value.entity == "technician"


async def test_update_can_deactivate(db: FakeDatabase, clock: FakeClock) -> None:
    tech_id = await a_technician(db, clock)
    updated = await uc.update_technician(
        SYSTEM, db.uow(), tech_id, technician_details(active=False)
    )
    assert not updated.details.active
    assert not (await uc.get_technician(SYSTEM, db.uow(), tech_id)).details.active


async def test_update_with_bad_input_keeps_the_stored_technician(
    db: FakeDatabase, clock: FakeClock
) -> None:
    tech_id = await a_technician(db, clock)
    before = db.snapshot()
    with pytest.raises(ValidationFailed):
        await uc.update_technician(SYSTEM, db.uow(), tech_id, technician_details(skills=("",)))
    assert db.snapshot() == before


async def test_update_missing_technician(db: FakeDatabase) -> None:
    with pytest.raises(NotFound):
        await uc.update_technician(SYSTEM, db.uow(), 9, technician_details())


async def test_list_filters_by_active(db: FakeDatabase, clock: FakeClock) -> None:
    await a_technician(db, clock, name="On")
    await a_technician(db, clock, name="Off", active=False)
    await a_technician(db, clock, name="On too")
    active = await uc.list_technicians(SYSTEM, db.uow(), ListQuery(filters={"active": True}))
    assert [t.details.name for t in active.items] == ["On too", "On"]
    inactive = await uc.list_technicians(SYSTEM, db.uow(), ListQuery().with_filters(active=False))
    assert ([t.details.name for t in inactive.items], inactive.total) == (["Off"], 1)
    everyone = await uc.list_technicians(SYSTEM, db.uow(), ListQuery().with_filters(active=None))
    assert everyone.total == 3


async def test_delete_removes_the_technician(db: FakeDatabase, clock: FakeClock) -> None:
    tech_id = await a_technician(db, clock)
    await uc.delete_technician(SYSTEM, db.uow(), tech_id)
    with pytest.raises(NotFound):
        await uc.get_technician(SYSTEM, db.uow(), tech_id)
    with pytest.raises(NotFound):
        await uc.delete_technician(SYSTEM, db.uow(), tech_id)


async def test_delete_of_a_technician_with_jobs_is_a_conflict(
    db: FakeDatabase, clock: FakeClock
) -> None:
    tech_id = await a_technician(db, clock)
    await a_job(db, clock, await a_customer(db, clock), technician_id=tech_id)
    with pytest.raises(Conflict):
        await uc.delete_technician(SYSTEM, db.uow(), tech_id)
    assert await uc.get_technician(SYSTEM, db.uow(), tech_id)


async def test_delete_of_a_technician_with_a_login_is_a_conflict(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    tech_id = await a_technician(db, clock)
    new = users.NewUser("tom", "tom-password-1", Role.TECHNICIAN, technician_id=tech_id)
    await users.create_user(SYSTEM, db.uow(), clock, hasher, new)
    with pytest.raises(Conflict):
        await uc.delete_technician(SYSTEM, db.uow(), tech_id)
