"""The job lifecycle: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED from either open state."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidTransition, ValidationFailed
from domain.job import ALLOWED_TRANSITIONS, Job, JobDetails, JobStatus
from tests.unit.builders import job_details

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
TARGET = {
    "start": JobStatus.IN_PROGRESS,
    "complete": JobStatus.COMPLETED,
    "cancel": JobStatus.CANCELLED,
}
STAMP = {"start": "started_at", "complete": "completion_date", "cancel": "cancelled_at"}
TERMINAL = {JobStatus.COMPLETED, JobStatus.CANCELLED}


def new_job() -> Job:
    return Job.schedule(job_details(customer_id=1), T0)


def test_the_lifecycle_is_the_documented_one() -> None:
    documented = {
        JobStatus.SCHEDULED: {JobStatus.IN_PROGRESS, JobStatus.CANCELLED},
        JobStatus.IN_PROGRESS: {JobStatus.COMPLETED, JobStatus.CANCELLED},
        JobStatus.COMPLETED: set(),
        JobStatus.CANCELLED: set(),
    }
    assert documented == ALLOWED_TRANSITIONS


def test_a_new_job_is_scheduled_with_no_stamps() -> None:
    job = new_job()
    assert job.status is JobStatus.SCHEDULED
    assert (job.started_at, job.completion_date, job.cancelled_at) == (None, None, None)
    assert job.created_at == T0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(TARGET)), max_size=10))
def test_random_moves_follow_the_allowed_transitions(moves: list[str]) -> None:
    job = new_job()
    completed_at: datetime | None = None
    for step, move in enumerate(moves, start=1):
        now = T0 + timedelta(hours=step)
        before = copy.deepcopy(job)
        target = TARGET[move]
        if target in ALLOWED_TRANSITIONS[before.status]:
            getattr(job, move)(now)
            assert job.status is target
            assert getattr(job, STAMP[move]) == now
            if target is JobStatus.COMPLETED:
                completed_at = now
        else:
            with pytest.raises(InvalidTransition) as refused:
                getattr(job, move)(now)
            assert (refused.value.current, refused.value.target) == (before.status, target)
            assert job == before, "a refused move must leave the job untouched"
        if before.status in TERMINAL:
            assert job == before, "terminal states are terminal"
        assert (job.completion_date is not None) == (job.status is JobStatus.COMPLETED)
        assert job.completion_date == completed_at


@pytest.mark.parametrize("status", list(JobStatus))
@pytest.mark.parametrize("move", sorted(TARGET))
def test_every_pair_of_state_and_move(status: JobStatus, move: str) -> None:
    job = new_job()
    job.status = status
    allowed = TARGET[move] in ALLOWED_TRANSITIONS[status]
    if allowed:
        getattr(job, move)(T0)
        assert job.status is TARGET[move]
    else:
        with pytest.raises(InvalidTransition):
            getattr(job, move)(T0)
        assert job.status is status


def test_an_invalid_transition_is_a_conflict() -> None:
    job = new_job()
    job.cancel(T0)
    with pytest.raises(Conflict, match="CANCELLED to COMPLETED"):
        job.complete(T0)


@pytest.mark.parametrize("finish", ["complete", "cancel"])
def test_revise_is_refused_once_the_job_is_closed(finish: str) -> None:
    job = new_job()
    job.start(T0)
    getattr(job, finish)(T0)
    before = copy.deepcopy(job)
    with pytest.raises(InvalidTransition):
        job.revise(job_details(customer_id=1, description="changed"))
    assert job == before


@pytest.mark.parametrize("start", [False, True])
def test_revise_edits_an_open_job(start: bool) -> None:
    job = new_job()
    if start:
        job.start(T0)
    job.revise(job_details(customer_id=1, description="  Ice maker leaks  ", technician_id=4))
    assert job.details.description == "Ice maker leaks"
    assert job.details.technician_id == 4
    assert job.status is (JobStatus.IN_PROGRESS if start else JobStatus.SCHEDULED)


def test_a_job_cannot_move_to_another_customer() -> None:
    job = new_job()
    with pytest.raises(ValidationFailed) as refused:
        job.revise(job_details(customer_id=2))
    assert "customer_id" in refused.value.errors
    assert job.details.customer_id == 1


def test_schedule_validates_the_details() -> None:
    details = JobDetails(customer_id=1, description="  ", scheduled_for=datetime(2024, 5, 1))
    with pytest.raises(ValidationFailed) as refused:
        Job.schedule(details, T0)
    assert set(refused.value.errors) == {"description", "scheduled_for"}
