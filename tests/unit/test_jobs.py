"""Job use cases: scheduling against existing customers and technicians, and the lifecycle."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application import expenses, payments, technicians
from application import jobs as uc
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from domain.job import ALLOWED_TRANSITIONS, JobStatus
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_customer,
    a_job,
    a_technician,
    expense_details,
    job_details,
    payment_details,
    technician_details,
)


async def test_create_schedules_a_job(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    tech_id = await a_technician(db, clock)
    uow = db.uow()
    job = await uc.create_job(SYSTEM, uow, clock, job_details(customer_id, technician_id=tech_id))
    assert uow.committed
    assert (job.id, job.status, job.created_at) == (1, JobStatus.SCHEDULED, clock.now())
    assert await uc.get_job(SYSTEM, db.uow(), 1) == job


@pytest.mark.parametrize(
    ("customer_exists", "tech_id", "field"),
    [(False, None, "customer_id"), (True, 99, "technician_id")],
)
async def test_create_names_the_missing_reference(
    db: FakeDatabase, clock: FakeClock, customer_exists: bool, tech_id: int | None, field: str
) -> None:
    customer_id = await a_customer(db, clock) if customer_exists else 77
    before = db.snapshot()
    with pytest.raises(NotFound) as missing:
        await uc.create_job(
            SYSTEM, db.uow(), clock, job_details(customer_id, technician_id=tech_id)
        )
    assert missing.value.field == field
    assert db.snapshot() == before


async def test_create_refuses_an_inactive_technician(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    tech_id = await a_technician(db, clock, active=False)
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_job(
            SYSTEM, db.uow(), clock, job_details(customer_id, technician_id=tech_id)
        )
    assert "technician_id" in refused.value.errors
    assert db.rows("jobs") == []


async def test_create_with_bad_input_stores_nothing(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    with pytest.raises(ValidationFailed):
        await uc.create_job(SYSTEM, db.uow(), clock, job_details(customer_id, description=""))
    assert db.rows("jobs") == []


async def test_get_missing_job(db: FakeDatabase) -> None:
    with pytest.raises(NotFound) as missing:
        await uc.get_job(SYSTEM, db.uow(), 1)
    assert (missing.value.entity, missing.value.field) == ("job", None)


async def test_update_edits_and_reassigns(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    tech_id = await a_technician(db, clock)
    new = job_details(customer_id, description="Also the freezer", technician_id=tech_id)
    updated = await uc.update_job(SYSTEM, db.uow(), job_id, new)
    assert (updated.details.description, updated.details.technician_id) == (
        "Also the freezer",
        tech_id,
    )
    assert await uc.get_job(SYSTEM, db.uow(), job_id) == updated


async def test_update_refuses_reassigning_to_an_inactive_technician(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    tech_id = await a_technician(db, clock, active=False)
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_job(
            SYSTEM, db.uow(), job_id, job_details(customer_id, technician_id=tech_id)
        )
    assert "technician_id" in refused.value.errors
    assert db.snapshot() == before


async def test_a_technician_deactivated_later_keeps_their_jobs_editable(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    tech_id = await a_technician(db, clock)
    job_id = await a_job(db, clock, customer_id, technician_id=tech_id)
    await technicians.update_technician(SYSTEM, db.uow(), tech_id, technician_details(active=False))
    new = job_details(customer_id, technician_id=tech_id, notes="gate code 1234")
    assert (await uc.update_job(SYSTEM, db.uow(), job_id, new)).details.notes == "gate code 1234"


async def test_update_cannot_move_a_job_to_another_customer(
    db: FakeDatabase, clock: FakeClock
) -> None:
    job_id = await a_job(db, clock, await a_customer(db, clock))
    other = await a_customer(db, clock, name="Other")
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_job(SYSTEM, db.uow(), job_id, job_details(other))
    assert "customer_id" in refused.value.errors
    assert db.snapshot() == before


async def test_update_of_a_closed_job_is_refused(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    await uc.cancel_job(SYSTEM, db.uow(), clock, job_id)
    with pytest.raises(InvalidTransition):
        await uc.update_job(
            SYSTEM, db.uow(), job_id, job_details(customer_id, description="late edit")
        )


async def test_update_missing_job(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        await uc.update_job(SYSTEM, db.uow(), 3, job_details(await a_customer(db, clock)))


async def test_list_filters_by_customer_technician_and_status(
    db: FakeDatabase, clock: FakeClock
) -> None:
    ann, bob = await a_customer(db, clock, name="Ann"), await a_customer(db, clock, name="Bob")
    tech_id = await a_technician(db, clock)
    first = await a_job(db, clock, ann, technician_id=tech_id)
    await a_job(db, clock, bob)
    third = await a_job(db, clock, ann)
    await uc.start_job(SYSTEM, db.uow(), clock, first)

    async def ids(**filters: object) -> list[int | None]:
        page = await uc.list_jobs(SYSTEM, db.uow(), ListQuery().with_filters(**filters))
        assert page.total == len(page.items)
        return [job.id for job in page.items]

    assert await ids(customer_id=ann) == [third, first]
    assert await ids(technician_id=tech_id) == [first]
    assert await ids(status="IN_PROGRESS") == [first]
    assert await ids(status=JobStatus.SCHEDULED, customer_id=ann) == [third]
    assert await ids(status="COMPLETED") == []


async def test_start_then_complete_stamps_the_clock_time(
    db: FakeDatabase, clock: FakeClock
) -> None:
    job_id = await a_job(db, clock, await a_customer(db, clock))
    started_at = clock.advance(hours=2)
    started = await uc.start_job(SYSTEM, db.uow(), clock, job_id)
    assert (started.status, started.started_at) == (JobStatus.IN_PROGRESS, started_at)
    completed_at = clock.advance(minutes=45)
    completed = await uc.complete_job(SYSTEM, db.uow(), clock, job_id)
    assert completed.status is JobStatus.COMPLETED
    assert completed.completion_date == completed_at
    stored = await uc.get_job(SYSTEM, db.uow(), job_id)
    assert (stored.started_at, stored.completion_date) == (started_at, completed_at)


async def test_cancel_then_complete_is_refused(db: FakeDatabase, clock: FakeClock) -> None:
    job_id = await a_job(db, clock, await a_customer(db, clock))
    cancelled = await uc.cancel_job(SYSTEM, db.uow(), clock, job_id)
    assert (cancelled.status, cancelled.cancelled_at) == (JobStatus.CANCELLED, clock.now())
    clock.advance(hours=1)
    with pytest.raises(InvalidTransition) as refused:
        await uc.complete_job(SYSTEM, db.uow(), clock, job_id)
    assert (refused.value.current, refused.value.target) == ("CANCELLED", "COMPLETED")
    stored = await uc.get_job(SYSTEM, db.uow(), job_id)
    assert (stored.status, stored.completion_date) == (JobStatus.CANCELLED, None)


async def test_a_scheduled_job_cannot_be_completed_without_starting(
    db: FakeDatabase, clock: FakeClock
) -> None:
    job_id = await a_job(db, clock, await a_customer(db, clock))
    with pytest.raises(InvalidTransition):
        await uc.complete_job(SYSTEM, db.uow(), clock, job_id)
    assert (await uc.get_job(SYSTEM, db.uow(), job_id)).status is JobStatus.SCHEDULED


@pytest.mark.parametrize("move", [uc.start_job, uc.complete_job, uc.cancel_job])
async def test_moves_on_a_missing_job(db: FakeDatabase, clock: FakeClock, move: object) -> None:
    with pytest.raises(NotFound):
        await move(SYSTEM, db.uow(), clock, 404)  # type: ignore[operator]


MOVES = {"start": uc.start_job, "complete": uc.complete_job, "cancel": uc.cancel_job}
TARGET = {
    "start": JobStatus.IN_PROGRESS,
    "complete": JobStatus.COMPLETED,
    "cancel": JobStatus.CANCELLED,
}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(MOVES)), max_size=6))
def test_the_stored_job_follows_the_lifecycle(moves: list[str]) -> None:
    asyncio.run(_run_moves(moves))


async def _run_moves(moves: list[str]) -> None:
    db, clock = FakeDatabase(), FakeClock()
    job_id = await a_job(db, clock, await a_customer(db, clock))
    status = JobStatus.SCHEDULED
    for move in moves:
        clock.advance(timedelta(minutes=10))
        before = db.snapshot()
        if TARGET[move] in ALLOWED_TRANSITIONS[status]:
            await MOVES[move](SYSTEM, db.uow(), clock, job_id)
            status = TARGET[move]
        else:
            with pytest.raises(InvalidTransition):
                await MOVES[move](SYSTEM, db.uow(), clock, job_id)
            assert db.snapshot() == before
        stored = await uc.get_job(SYSTEM, db.uow(), job_id)
        assert stored.status is status
        assert (stored.completion_date is not None) == (status is JobStatus.COMPLETED)


async def test_delete_removes_an_unreferenced_job(db: FakeDatabase, clock: FakeClock) -> None:
    job_id = await a_job(db, clock, await a_customer(db, clock))
    await uc.delete_job(SYSTEM, db.uow(), job_id)
    with pytest.raises(NotFound):
        await uc.get_job(SYSTEM, db.uow(), job_id)
    with pytest.raises(NotFound):
        await uc.delete_job(SYSTEM, db.uow(), job_id)


@pytest.mark.parametrize("kind", ["payment", "expense"])
async def test_delete_of_a_job_with_money_attached_is_a_conflict(
    db: FakeDatabase, clock: FakeClock, kind: str
) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    if kind == "payment":
        await payments.create_payment(
            SYSTEM, db.uow(), clock, payment_details(customer_id, job_id=job_id)
        )
    else:
        await expenses.create_expense(SYSTEM, db.uow(), clock, expense_details(job_id=job_id))
    with pytest.raises(Conflict):
        await uc.delete_job(SYSTEM, db.uow(), job_id)
    assert await uc.get_job(SYSTEM, db.uow(), job_id)
