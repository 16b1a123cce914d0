"""Maintenance alerts: the state machine (OPEN → ACKNOWLEDGED → DONE, or DISMISSED with a
reason) and the use cases that move them, on the fakes."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application import maintenance_alerts as uc
from application.access import SYSTEM, Actor
from application.jobs import NewJob, complete_job, create_job, start_job
from application.pagination import DUE_BEFORE, ListQuery
from domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from domain.maintenance_alert import (
    ALERT_TRANSITIONS,
    CLOSED,
    AlertStatus,
    MaintenanceAlert,
    Prediction,
)
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer, a_job, a_technician, an_appliance, job_details

A = AlertStatus
T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)
DUE = date(2024, 7, 1)
OFFICE = Actor(user_id=7, role=Role.OFFICE)


def _alert() -> MaintenanceAlert:
    return MaintenanceAlert.raise_for(1, 2, Prediction(DUE, 0.7, "interval"), T0)


def test_closed_states_are_final_and_every_state_is_reachable() -> None:
    assert set(ALERT_TRANSITIONS) == set(A)
    assert {s for s, targets in ALERT_TRANSITIONS.items() if not targets} == CLOSED
    reached, frontier = {A.OPEN}, [A.OPEN]
    while frontier:
        for target in ALERT_TRANSITIONS[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(A)


ACTIONS = st.lists(
    st.one_of(
        st.just(("acknowledge",)),
        st.tuples(st.just("dismiss"), st.sampled_from(["replaced it", "", "  ", "x" * 501])),
        st.just(("close",)),
        st.tuples(st.just("revise"), st.integers(-3, 3)),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(ACTIONS)
def test_random_moves_follow_the_table_and_closed_alerts_are_never_reminded(
    actions: list[tuple[object, ...]],
) -> None:
    alert, now = _alert(), T0
    for action in actions:
        now += timedelta(hours=1)
        before = copy.deepcopy(alert)
        try:
            if action[0] == "acknowledge":
                alert.acknowledge(now)
            elif action[0] == "dismiss":
                alert.dismiss(str(action[1]), 7, now)
            elif action[0] == "close":
                alert.close(now)
            else:
                due = alert.due_date + timedelta(days=int(str(action[1])))
                alert.revise(Prediction(due, 0.5, "again"), now)
        except (InvalidTransition, ValidationFailed) as refused:
            assert alert == before  # a refused move changes nothing
            if isinstance(refused, ValidationFailed):
                assert list(refused.errors) == ["reason"]
            continue
        if action[0] == "revise":
            moved_date = alert.due_date != before.due_date
            assert alert.status is (A.OPEN if moved_date else before.status)
        elif alert.status is not before.status:
            assert alert.status in ALERT_TRANSITIONS[before.status]
        if action[0] == "dismiss":
            assert alert.status is A.DISMISSED and alert.dismiss_reason == str(action[1]).strip()
            assert (alert.dismissed_by, alert.dismissed_at) == (7, now)
        if action[0] == "close":
            assert alert.status is (before.status if before.status in CLOSED else A.DONE)
        assert alert.wants_reminder(date(2100, 1, 1)) is (alert.status not in CLOSED)


async def _alert_for(db: FakeDatabase, clock: FakeClock, customer_id: int, due: date = DUE) -> int:
    appliance_id = await an_appliance(db, clock, customer_id)
    alert = MaintenanceAlert.raise_for(
        appliance_id, customer_id, Prediction(due, 0.7, "interval"), clock.now()
    )
    async with db.uow() as uow:
        await uow.maintenance_alerts.add(alert)
        await uow.commit()
    assert alert.id is not None
    return alert.id


async def test_acknowledge_then_dismiss_records_who_why_when_and_audits_both(
    db: FakeDatabase, clock: FakeClock
) -> None:
    alert_id = await _alert_for(db, clock, await a_customer(db, clock))
    acknowledged = await uc.acknowledge_alert(OFFICE, db.uow(), clock, alert_id)
    assert acknowledged.status is A.ACKNOWLEDGED
    with pytest.raises(InvalidTransition):
        await uc.acknowledge_alert(OFFICE, db.uow(), clock, alert_id)
    clock.advance(hours=2)
    dismissed = await uc.dismiss_alert(OFFICE, db.uow(), clock, alert_id, " sold the fridge ")
    assert (dismissed.status, dismissed.dismiss_reason) == (A.DISMISSED, "sold the fridge")
    assert (dismissed.dismissed_by, dismissed.dismissed_at) == (7, clock.now())
    with pytest.raises(InvalidTransition):
        await uc.dismiss_alert(OFFICE, db.uow(), clock, alert_id, "again")
    trail = [e for e in db.rows("audit_entries") if e.entity == "maintenance-alert"]
    assert [e.changes["status"] for e in trail] == [
        ["OPEN", "ACKNOWLEDGED"],
        ["ACKNOWLEDGED", "DISMISSED"],
    ]
    assert {(e.entity_id, e.actor_user_id) for e in trail} == {(alert_id, 7)}


async def test_a_dismissal_needs_a_reason(db: FakeDatabase, clock: FakeClock) -> None:
    alert_id = await _alert_for(db, clock, await a_customer(db, clock))
    with pytest.raises(ValidationFailed) as refused:
        await uc.dismiss_alert(OFFICE, db.uow(), clock, alert_id, "   ")
    assert list(refused.value.errors) == ["reason"]
    assert db.rows("maintenance_alerts")[0].status is A.OPEN
    assert [e for e in db.rows("audit_entries") if e.entity == "maintenance-alert"] == []


async def test_technicians_read_their_customers_alerts_and_act_on_none(
    db: FakeDatabase, clock: FakeClock
) -> None:
    mine, theirs = await a_customer(db, clock), await a_customer(db, clock)
    tech_id = await a_technician(db, clock)
    await a_job(db, clock, mine, technician_id=tech_id)
    own, other = await _alert_for(db, clock, mine), await _alert_for(db, clock, theirs)
    tech = Actor(user_id=9, role=Role.TECHNICIAN, technician_id=tech_id)
    assert (await uc.get_maintenance_alert(tech, db.uow(), own)).id == own
    page = await uc.list_maintenance_alerts(tech, db.uow(), ListQuery())
    assert [a.id for a in page.items] == [own]
    with pytest.raises(NotFound):
        await uc.get_maintenance_alert(tech, db.uow(), other)
    with pytest.raises(NotFound):
        await uc.acknowledge_alert(tech, db.uow(), clock, other)
    with pytest.raises(PermissionDenied):
        await uc.acknowledge_alert(tech, db.uow(), clock, own)


async def test_lists_filter_by_status_customer_and_due_date(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer = await a_customer(db, clock)
    soon = await _alert_for(db, clock, customer, DUE)
    later = await _alert_for(db, clock, customer, DUE + timedelta(days=60))
    await uc.acknowledge_alert(OFFICE, db.uow(), clock, later)

    async def ids(**filters: object) -> list[int]:
        page = await uc.list_maintenance_alerts(OFFICE, db.uow(), ListQuery(filters=filters))
        return [a.id for a in page.items if a.id is not None]

    assert await ids(**{DUE_BEFORE: DUE}) == [soon]
    assert await ids(**{DUE_BEFORE: DUE - timedelta(days=1)}) == []
    assert await ids(status="ACKNOWLEDGED", customer_id=customer) == [later]
    with pytest.raises(ValidationFailed):
        await ids(due_after=DUE)


async def test_a_job_booked_for_an_alert_closes_it_when_it_completes(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer = await a_customer(db, clock)
    alert_id = await _alert_for(db, clock, customer)
    job = await create_job(OFFICE, db.uow(), clock, NewJob(job_details(customer), alert_id))
    assert job.id is not None and job.maintenance_alert_id == alert_id
    await start_job(SYSTEM, db.uow(), clock, job.id)
    assert db.rows("maintenance_alerts")[0].status is A.OPEN  # booked, not done yet
    await complete_job(SYSTEM, db.uow(), clock, job.id)
    [alert] = db.rows("maintenance_alerts")
    assert (alert.status, alert.updated_at) == (A.DONE, clock.now())
    [entry] = [e for e in db.rows("audit_entries") if e.entity == "maintenance-alert"]
    assert entry.changes["status"] == ["OPEN", "DONE"]


async def test_a_job_may_be_booked_only_for_an_open_alert_of_its_customer(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer, other = await a_customer(db, clock), await a_customer(db, clock)
    others_alert = await _alert_for(db, clock, other)
    dismissed = await _alert_for(db, clock, customer)
    await uc.dismiss_alert(OFFICE, db.uow(), clock, dismissed, "not needed")
    for alert_id in (others_alert, dismissed):
        with pytest.raises(ValidationFailed) as refused:
            await create_job(OFFICE, db.uow(), clock, NewJob(job_details(customer), alert_id))
        assert list(refused.value.errors) == ["maintenance_alert_id"]
    with pytest.raises(NotFound) as missing:
        await create_job(OFFICE, db.uow(), clock, NewJob(job_details(customer), 999))
    assert missing.value.field == "maintenance_alert_id"
    assert db.rows("jobs") == []


async def test_a_dismissed_alert_closed_by_its_job_stays_dismissed(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer = await a_customer(db, clock)
    alert_id = await _alert_for(db, clock, customer)
    job = await create_job(OFFICE, db.uow(), clock, NewJob(job_details(customer), alert_id))
    assert job.id is not None
    await uc.dismiss_alert(OFFICE, db.uow(), clock, alert_id, "customer cancelled")
    await start_job(SYSTEM, db.uow(), clock, job.id)
    await complete_job(SYSTEM, db.uow(), clock, job.id)
    assert db.rows("maintenance_alerts")[0].status is A.DISMISSED


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_confidence_is_kept_in_hundredths(confidence: float) -> None:
    """Any confidence in 0..1 (a model's, with all its digits) is kept to two decimals, a
    value every database writes back unchanged."""
    kept = Prediction(date(2031, 1, 1), confidence, "model").validated().confidence
    assert kept == round(confidence, 2) and abs(kept - confidence) <= 0.005
    assert float(f"{kept:.15g}") == kept  # what SQLite's JSON writes is the same number


@pytest.mark.parametrize("confidence", [-0.01, 1.01, float("nan")])
def test_a_confidence_outside_0_to_1_is_refused(confidence: float) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Prediction(date(2031, 1, 1), confidence, "model").validated()
    assert "confidence" in refused.value.errors
