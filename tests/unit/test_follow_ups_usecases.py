"""Follow-up use cases with fakes: open after a job, reschedule, feedback, status moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from application import follow_ups as uc
from application.access import SYSTEM
from application.follow_ups import FollowUpChanges, NewFollowUp
from application.pagination import ListQuery
from domain.errors import InvalidTransition, NotFound, ValidationFailed
from domain.follow_up import FollowUpStatus
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_completed_job, a_customer

S = FollowUpStatus
LATER = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
async def job(db: FakeDatabase, clock: FakeClock) -> tuple[int, int]:
    """(customer id, completed job id)."""
    customer = await a_customer(db, clock)
    return customer, await a_completed_job(db, clock, customer)


async def open_one(db: FakeDatabase, clock: FakeClock, job_id: int, **changes: Any) -> Any:
    return await uc.create_follow_up(SYSTEM, db.uow(), clock, NewFollowUp(job_id, **changes))


async def change(db: FakeDatabase, follow_up_id: int, **changes: Any) -> Any:
    return await uc.update_follow_up(SYSTEM, db.uow(), follow_up_id, FollowUpChanges(**changes))


async def test_open_without_a_date_is_pending_for_the_jobs_customer(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    customer, job_id = job
    created = await open_one(db, clock, job_id)
    assert (created.id, created.job_id, created.customer_id) == (1, job_id, customer)
    assert (created.status, created.follow_up_date, created.created_at) == (
        S.PENDING,
        None,
        clock.now(),
    )
    assert await uc.get_follow_up(SYSTEM, db.uow(), 1) == created


async def test_open_with_date_and_feedback_is_scheduled_in_utc(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    customer, job_id = job
    local = datetime(2024, 3, 10, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    created = await open_one(
        db,
        clock,
        job_id,
        customer_id=customer,
        follow_up_date=local,
        satisfaction_rating=4,
        feedback="  fine ",
    )
    assert created.status is S.SCHEDULED
    assert created.follow_up_date == LATER and created.follow_up_date.tzinfo is UTC
    assert (created.satisfaction_rating, created.feedback) == (4, "fine")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"job_id": 999}, NotFound, "job_id"),
        ({"customer_id": "other"}, ValidationFailed, "customer_id"),
        ({"follow_up_date": datetime(2024, 3, 10, 9)}, ValidationFailed, "follow_up_date"),
        (
            {"follow_up_date": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))},
            ValidationFailed,
            "follow_up_date",
        ),
        ({"satisfaction_rating": 0}, ValidationFailed, "satisfaction_rating"),
        ({"satisfaction_rating": 6}, ValidationFailed, "satisfaction_rating"),
        ({"feedback": "x" * 5001}, ValidationFailed, "feedback"),
    ],
)
async def test_bad_follow_ups_store_nothing(
    db: FakeDatabase,
    clock: FakeClock,
    job: tuple[int, int],
    changes: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    _, job_id = job
    if changes.get("customer_id") == "other":
        changes = {"customer_id": await a_customer(db, clock, name="Other")}
    args = {"job_id": job_id} | changes
    before = db.snapshot()
    with pytest.raises(error) as refused:
        await uc.create_follow_up(SYSTEM, db.uow(), clock, NewFollowUp(**args))
    if isinstance(refused.value, NotFound):
        assert refused.value.field == field
    else:
        assert isinstance(refused.value, ValidationFailed)
        assert list(refused.value.errors) == [field]
    assert db.snapshot() == before


async def test_update_moves_along_the_state_machine(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    _, job_id = job
    follow_up = await open_one(db, clock, job_id)
    assert (await change(db, follow_up.id, status=S.SENT)).status is S.SENT
    assert (await change(db, follow_up.id, status=S.NO_RESPONSE)).status is S.NO_RESPONSE
    done = await change(
        db, follow_up.id, status=S.COMPLETED, satisfaction_rating=5, feedback="great"
    )
    assert (done.status, done.satisfaction_rating, done.feedback) == (S.COMPLETED, 5, "great")
    assert await uc.get_follow_up(SYSTEM, db.uow(), follow_up.id) == done


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([S.COMPLETED], S.PENDING),
        ([S.CANCELLED], S.SCHEDULED),
        ([S.SENT], S.PENDING),
        ([S.SENT, S.FAILED], S.SENT),
        ([S.SCHEDULED], S.NO_RESPONSE),
    ],
)
async def test_illegal_moves_are_refused_and_change_nothing(
    db: FakeDatabase,
    clock: FakeClock,
    job: tuple[int, int],
    path: list[FollowUpStatus],
    refused: FollowUpStatus,
) -> None:
    _, job_id = job
    follow_up = await open_one(db, clock, job_id)
    for status in path:
        await change(db, follow_up.id, status=status)
    before = db.snapshot()
    with pytest.raises(InvalidTransition):
        await change(db, follow_up.id, status=refused, feedback="should not be kept")
    assert db.snapshot() == before


async def test_reschedule_sets_the_date_and_schedules_a_pending_follow_up(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    _, job_id = job
    follow_up = await open_one(db, clock, job_id)
    moved = await change(db, follow_up.id, follow_up_date=LATER)
    assert (moved.status, moved.follow_up_date) == (S.SCHEDULED, LATER)
    # A date and a move in one request: the date is set first, then the move.
    sent = await change(db, follow_up.id, follow_up_date=LATER + timedelta(days=1), status=S.SENT)
    assert (sent.status, sent.follow_up_date) == (S.SENT, LATER + timedelta(days=1))
    before = db.snapshot()
    with pytest.raises(InvalidTransition):
        await change(db, follow_up.id, follow_up_date=LATER)
    with pytest.raises(ValidationFailed) as refused:
        await change(db, follow_up.id, follow_up_date=datetime(2024, 3, 10))
    assert list(refused.value.errors) == ["follow_up_date"]
    assert db.snapshot() == before


async def test_an_empty_update_changes_nothing(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    _, job_id = job
    follow_up = await open_one(db, clock, job_id, satisfaction_rating=3)
    assert await change(db, follow_up.id) == follow_up


async def test_bad_feedback_on_update_is_refused(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    _, job_id = job
    follow_up = await open_one(db, clock, job_id)
    before = db.snapshot()
    with pytest.raises(ValidationFailed) as refused:
        await change(db, follow_up.id, satisfaction_rating=0, feedback="a\x00b")
    assert set(refused.value.errors) == {"satisfaction_rating", "feedback"}
    assert db.snapshot() == before


async def test_unknown_follow_up_is_not_found(db: FakeDatabase) -> None:
    with pytest.raises(NotFound):
        await uc.get_follow_up(SYSTEM, db.uow(), 5)
    with pytest.raises(NotFound):
        await change(db, 5, status=S.SENT)


async def test_list_filters_by_customer_status_and_job(
    db: FakeDatabase, clock: FakeClock, job: tuple[int, int]
) -> None:
    customer, job_id = job
    other = await a_customer(db, clock, name="Other")
    other_job = await a_completed_job(db, clock, other)
    pending = await open_one(db, clock, job_id)
    scheduled = await open_one(db, clock, job_id, follow_up_date=LATER)
    foreign = await open_one(db, clock, other_job)

    async def ids(**filters: object) -> list[int]:
        page = await uc.list_follow_ups(SYSTEM, db.uow(), ListQuery().with_filters(**filters))
        assert page.total == len(page.items)
        return [f.id for f in page.items]

    assert await ids() == [foreign.id, scheduled.id, pending.id]
    assert await ids(customer_id=customer) == [scheduled.id, pending.id]
    assert await ids(customer_id=customer, status=S.PENDING.value) == [pending.id]
    assert await ids(status=S.SCHEDULED.value) == [scheduled.id]
    assert await ids(job_id=other_job) == [foreign.id]
    assert await ids(job_id=other_job, customer_id=customer) == []
