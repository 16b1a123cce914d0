"""POST /jobs/{id}/assign and the match for one job, over fakes: the rules of an assignment
(open job, active, skilled, not double-booked), its audit entry, and the job's match."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application import jobs
from application.access import Actor
from application.insights.job_technician_match import match_technician_for_job
from application.job_assignment import assign_technician
from domain.assignment import SLOT, first_kind_named
from domain.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import insight_context
from tests.unit.builders import WHEN, a_customer, a_job, a_technician, an_appliance

OFFICE = Actor(7, Role.OFFICE)


async def _world(db: FakeDatabase, clock: FakeClock) -> tuple[int, int]:
    """A customer with an unassigned fridge job at WHEN, and a free fridge technician."""
    customer = await a_customer(db, clock)
    job = await a_job(db, clock, customer)
    tech = await a_technician(db, clock, name="Fran", skills=("fridges",))
    return job, tech


async def test_assigning_sets_the_technician_and_is_audited(db, clock) -> None:
    job_id, tech = await _world(db, clock)
    job = await assign_technician(OFFICE, db.uow(), clock, job_id, tech)
    assert job.details.technician_id == tech
    assert (await jobs.get_job(OFFICE, db.uow(), job_id)).details.technician_id == tech
    entry = list(db.tables["audit_entries"].values())[-1]
    assert (entry.entity, entry.action, entry.entity_id) == ("job", "assign", job_id)
    assert entry.changes == {"technician_id": [None, tech]}
    assert entry.actor_user_id == OFFICE.user_id
    count = len(db.tables["audit_entries"])
    await assign_technician(OFFICE, db.uow(), clock, job_id, tech)  # already theirs
    assert len(db.tables["audit_entries"]) == count


@pytest.mark.parametrize(
    ("technician", "message"),
    [
        ({"active": False}, "not active"),
        ({"skills": ("hvac",)}, "not skilled for refrigerator"),
        ({"skills": ()}, "not skilled"),
    ],
)
async def test_each_rule_broken_is_a_conflict_naming_it(db, clock, technician, message) -> None:
    customer = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer)
    tech = await a_technician(db, clock, **{"skills": ("fridges",), **technician})
    before = db.snapshot()
    with pytest.raises(Conflict, match=message):
        await assign_technician(OFFICE, db.uow(), clock, job_id, tech)
    assert db.snapshot() == before


async def test_a_closed_job_cannot_be_assigned(db, clock) -> None:
    job_id, tech = await _world(db, clock)
    await jobs.cancel_job(OFFICE, db.uow(), clock, job_id)
    with pytest.raises(InvalidTransition):
        await assign_technician(OFFICE, db.uow(), clock, job_id, tech)


async def test_skill_comes_from_the_appliance_record_then_the_text(db, clock) -> None:
    customer = await a_customer(db, clock)
    washer = await an_appliance(db, clock, customer, type="washing machine")
    on_washer = await a_job(db, clock, customer, appliance=None, appliance_id=washer)
    fridge_tech = await a_technician(db, clock, skills=("fridges",))
    with pytest.raises(Conflict, match="not skilled for washer"):
        await assign_technician(OFFICE, db.uow(), clock, on_washer, fridge_tech)
    # No appliance named anywhere: no skill is required.
    vague = await a_job(db, clock, customer, appliance=None, description="Strange noise")
    await assign_technician(OFFICE, db.uow(), clock, vague, fridge_tech)


async def test_missing_job_or_technician_and_who_may_assign(db, clock) -> None:
    job_id, tech = await _world(db, clock)
    with pytest.raises(NotFound):
        await assign_technician(OFFICE, db.uow(), clock, 999, tech)
    with pytest.raises(NotFound) as missing:
        await assign_technician(OFFICE, db.uow(), clock, job_id, 999)
    assert missing.value.field == "technician_id"
    own = Actor(9, Role.TECHNICIAN, tech)
    await assign_technician(OFFICE, db.uow(), clock, job_id, tech)
    with pytest.raises(PermissionDenied):
        await assign_technician(own, db.uow(), clock, job_id, tech)
    with pytest.raises(NotFound):  # another technician's job is not revealed
        await assign_technician(
            Actor(10, Role.TECHNICIAN, tech + 100), db.uow(), clock, job_id, tech
        )


@settings(max_examples=150, deadline=None)
@given(
    others=st.lists(
        st.tuples(
            st.integers(min_value=-300, max_value=300),  # minutes from the job's start
            st.sampled_from(["SCHEDULED", "IN_PROGRESS", "COMPLETED", "CANCELLED"]),
        ),
        max_size=4,
    )
)
def test_assign_succeeds_iff_no_other_job_of_the_technician_overlaps(others) -> None:
    """Slots are [start, start + SLOT): two overlap iff their starts are < SLOT apart."""

    async def run() -> None:
        db, clock = FakeDatabase(), FakeClock()
        customer = await a_customer(db, clock)
        tech = await a_technician(db, clock, skills=("fridges",))
        for minutes, status in others:
            other = await a_job(
                db,
                clock,
                customer,
                technician_id=tech,
                scheduled_for=WHEN + timedelta(minutes=minutes),
            )
            if status in ("IN_PROGRESS", "COMPLETED"):
                await jobs.start_job(OFFICE, db.uow(), clock, other)
            if status == "COMPLETED":
                await jobs.complete_job(OFFICE, db.uow(), clock, other)
            if status == "CANCELLED":
                await jobs.cancel_job(OFFICE, db.uow(), clock, other)
        job_id = await a_job(db, clock, customer)
        clash = any(abs(timedelta(minutes=m)) < SLOT and s != "CANCELLED" for m, s in others)
        try:
            await assign_technician(OFFICE, db.uow(), clock, job_id, tech)
        except Conflict as refused:
            assert clash and "double-booked" in str(refused)
        else:
            assert not clash

    asyncio.run(run())


def test_the_kind_named_first_in_a_description_wins() -> None:
    assert first_kind_named("Fridge not cooling") == "refrigerator"
    assert first_kind_named("AC not cooling; the fridge is fine") == "hvac"
    assert first_kind_named("Washing-machine leaks") == "washer"
    assert first_kind_named("Strange noise") is None


async def test_the_match_for_a_job_reads_the_job(db, clock) -> None:
    customer = await a_customer(db, clock)
    fran = await a_technician(db, clock, name="Fran", skills=("fridges",))
    hal = await a_technician(db, clock, name="Hal", skills=("hvac",))
    job_id = await a_job(db, clock, customer, appliance=None, description="Fridge not cooling")
    match = await match_technician_for_job(OFFICE, insight_context(db, clock), job_id)
    ids = [c.technician_id for c in match.answer.candidates]
    assert ids == [fran] and hal not in [r.technician_id for r in match.answer.ranking]
    with pytest.raises(NotFound):
        await match_technician_for_job(OFFICE, insight_context(db, clock), 999)
    with pytest.raises(PermissionDenied):
        own = Actor(9, Role.TECHNICIAN, fran)
        await assign_technician(OFFICE, db.uow(), clock, job_id, fran)
        await match_technician_for_job(own, insight_context(db, clock), job_id)
