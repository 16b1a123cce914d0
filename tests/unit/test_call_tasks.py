"""Completing a call task settles its message (and follow-up) as a provider status would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application import follow_ups
from application.access import SYSTEM, Actor
from application.messaging import call_tasks as uc
from application.outbox.dispatch import dispatch_due
from application.pagination import ListQuery
from domain.contact_preferences import ContactMethod, QuietHours
from domain.errors import Conflict, PermissionDenied, ValidationFailed
from domain.follow_up import FollowUpStatus
from domain.messaging.call_task import CallOutcome, CallTask, CallTaskStatus
from domain.messaging.message import MessageStatus
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_completed_job, a_customer

# Monday 2024-03-04 10:00 in Los Angeles (the builders' customer): contact is allowed.
DAYTIME = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)
OFFICE = Actor(user_id=5, role=Role.OFFICE)
C, M, F = CallOutcome, MessageStatus, FollowUpStatus


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DAYTIME)


async def _phoned(db: FakeDatabase, clock: FakeClock) -> tuple[int, int, int]:
    """A follow-up whose PHONE message was dispatched: (call task, message, follow-up)."""
    customer = await a_customer(db, clock)
    job = await a_completed_job(db, clock, customer)
    wanted = follow_ups.FollowUpMessage("Ask how the fridge is", ContactMethod.PHONE)
    new = follow_ups.NewFollowUp(job_id=job, message=wanted)
    follow_up = await follow_ups.create_follow_up(SYSTEM, db.uow(), clock, new)
    await dispatch_due(db.uow, clock, FakeSender(clock), QuietHours())
    [task] = db.rows("call_tasks")
    [message] = db.rows("messages")
    assert follow_up.id is not None and message.status is M.SENT
    return task.id, message.id, follow_up.id


@pytest.mark.parametrize(
    ("outcome", "message_status", "follow_up_status", "last_error"),
    [
        (C.REACHED, M.DELIVERED, F.SENT, None),
        (C.LEFT_VOICEMAIL, M.DELIVERED, F.SENT, None),
        (C.NO_ANSWER, M.FAILED, F.FAILED, "call outcome NO_ANSWER"),
        (C.WRONG_NUMBER, M.FAILED, F.FAILED, "call outcome WRONG_NUMBER"),
    ],
)
async def test_the_outcome_settles_the_message_and_its_follow_up(
    db: FakeDatabase,
    clock: FakeClock,
    outcome: CallOutcome,
    message_status: MessageStatus,
    follow_up_status: FollowUpStatus,
    last_error: str | None,
) -> None:
    task_id, message_id, follow_up_id = await _phoned(db, clock)
    clock.advance(minutes=30)
    task = await uc.complete_call_task(OFFICE, db.uow(), clock, task_id, outcome, " left at 3 ")
    assert (task.status, task.outcome, task.note) == (CallTaskStatus.DONE, outcome, "left at 3")
    assert (task.completed_at, task.completed_by) == (clock.now(), 5)
    [message] = db.rows("messages")
    assert (message.id, message.status, message.last_error) == (
        message_id,
        message_status,
        last_error,
    )
    [follow_up] = db.rows("follow_ups")
    assert (follow_up.id, follow_up.status) == (follow_up_id, follow_up_status)
    [entry] = [e for e in db.rows("audit_entries") if e.entity == "call-task"]
    assert entry.changes["outcome"] == [None, outcome.value] and entry.actor_user_id == 5


async def test_completing_twice_is_a_conflict_and_changes_nothing(
    db: FakeDatabase, clock: FakeClock
) -> None:
    task_id, _, _ = await _phoned(db, clock)
    await uc.complete_call_task(OFFICE, db.uow(), clock, task_id, C.REACHED, None)
    before = db.snapshot()
    with pytest.raises(Conflict):
        await uc.complete_call_task(OFFICE, db.uow(), clock, task_id, C.NO_ANSWER, None)
    assert db.snapshot() == before


async def test_a_task_whose_message_is_gone_still_completes(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer = await a_customer(db, clock)
    async with db.uow() as uow:
        task = await uow.call_tasks.add(CallTask(customer, "Call back", clock.now()))
        await uow.commit()
    assert task.id is not None
    done = await uc.complete_call_task(OFFICE, db.uow(), clock, task.id, C.WRONG_NUMBER, None)
    assert (done.status, done.outcome) == (CallTaskStatus.DONE, C.WRONG_NUMBER)


async def test_a_long_note_is_refused_and_technicians_may_not_see_the_list(
    db: FakeDatabase, clock: FakeClock
) -> None:
    task_id, _, _ = await _phoned(db, clock)
    with pytest.raises(ValidationFailed) as refused:
        await uc.complete_call_task(OFFICE, db.uow(), clock, task_id, C.REACHED, "x" * 2001)
    assert list(refused.value.errors) == ["note"]
    tech = Actor(user_id=9, role=Role.TECHNICIAN, technician_id=1)
    with pytest.raises(PermissionDenied):
        await uc.list_call_tasks(tech, db.uow(), ListQuery())
    with pytest.raises(PermissionDenied):
        await uc.complete_call_task(tech, db.uow(), clock, task_id, C.REACHED, None)


async def test_the_call_list_is_oldest_first(db: FakeDatabase, clock: FakeClock) -> None:
    customer = await a_customer(db, clock)
    async with db.uow() as uow:
        for hour in (12, 9, 15):
            when = DAYTIME.replace(hour=hour)
            await uow.call_tasks.add(CallTask(customer, f"at {hour}", when))
        await uow.commit()
    page = await uc.list_call_tasks(OFFICE, db.uow(), ListQuery(filters={"status": "OPEN"}))
    assert [task.body for task in page.items] == ["at 9", "at 12", "at 15"]
