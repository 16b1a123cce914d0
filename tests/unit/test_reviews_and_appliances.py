"""Reviews and ratings belong to a job's own parties; an appliance's last service only advances."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.appliance import Appliance, ApplianceDetails
from domain.errors import Conflict, ValidationFailed
from domain.job import Job, JobStatus
from domain.review import Review, TechnicianRating
from tests.unit.builders import job_details

T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
CUSTOMER, TECH = 3, 7


def a_job(status: JobStatus = JobStatus.COMPLETED, technician_id: int | None = TECH) -> Job:
    job = Job.schedule(job_details(CUSTOMER, technician_id=technician_id), T0)
    job.id = 11
    if status is not JobStatus.SCHEDULED:
        job.start(T0)
    if status is JobStatus.COMPLETED:
        job.complete(T0)
    if status is JobStatus.CANCELLED:
        job.cancel(T0)
    assert job.status is status
    return job


def review(job: Job, **changes: Any) -> Review:
    args = {"customer_id": CUSTOMER, "technician_id": TECH, "rating": 5, "comment": None}
    return Review.of_job(job, now=T0, **(args | changes))


def tech_rating(job: Job, **changes: Any) -> TechnicianRating:
    args = {"customer_id": CUSTOMER, "technician_id": TECH, "rating": 4}
    return TechnicianRating.of_job(job, now=T0, **(args | changes))


def test_a_completed_job_is_reviewed_by_its_customer() -> None:
    made = review(a_job(), technician_id=None, comment="  Quick and tidy  ")
    assert (made.job_id, made.customer_id, made.technician_id) == (11, CUSTOMER, TECH)
    assert (made.rating, made.comment, made.created_at) == (5, "Quick and tidy", T0)


@pytest.mark.parametrize(
    "status", [JobStatus.SCHEDULED, JobStatus.IN_PROGRESS, JobStatus.CANCELLED]
)
def test_only_a_completed_job_is_reviewed(status: JobStatus) -> None:
    with pytest.raises(Conflict):
        review(a_job(status))


@pytest.mark.parametrize("make", [review, tech_rating])
@pytest.mark.parametrize(
    ("job_changes", "changes", "field"),
    [
        ({}, {"customer_id": CUSTOMER + 1}, "customer_id"),
        ({}, {"technician_id": TECH + 1}, "technician_id"),
        ({"technician_id": None}, {}, "job_id"),
        ({}, {"rating": 0}, "rating"),
        ({}, {"rating": 6}, "rating"),
        ({}, {"rating": True}, "rating"),
    ],
)
def test_party_and_rating_rules(
    make: Any, job_changes: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make(a_job(**job_changes), **changes)
    assert list(refused.value.errors) == [field]


def test_a_review_comment_is_bounded() -> None:
    with pytest.raises(ValidationFailed) as refused:
        review(a_job(), comment="x" * 5001)
    assert list(refused.value.errors) == ["comment"]


def test_a_technician_rating_of_the_jobs_technician() -> None:
    made = tech_rating(a_job())
    assert (made.customer_id, made.technician_id, made.job_id, made.rating) == (
        CUSTOMER,
        TECH,
        11,
        4,
    )


# --- appliances ---------------------------------------------------------------------------


def appliance_details(**changes: Any) -> ApplianceDetails:
    fields: dict[str, Any] = {"customer_id": CUSTOMER, "type": "  Refrigerator ", "brand": "Acme"}
    return ApplianceDetails(**(fields | changes))


OFFSETS = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
instants = st.datetimes(
    datetime(2000, 1, 1), datetime(2040, 1, 1), timezones=st.sampled_from(OFFSETS)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(instants, max_size=15))
def test_record_service_keeps_the_latest_service(serviced: list[datetime]) -> None:
    appliance = Appliance.register(appliance_details(), T0)
    latest: datetime | None = None
    latest_job: int | None = None
    for job_id, when in enumerate(serviced, start=100):
        now = T0 + timedelta(minutes=job_id)
        before = copy.deepcopy(appliance)
        advanced = latest is None or when > latest
        if advanced:
            latest, latest_job = when, job_id
        assert appliance.record_service(job_id, when, now) is advanced
        assert (appliance.last_service_date, appliance.job_id) == (latest, latest_job)
        assert appliance.updated_at == (now if advanced else before.updated_at)
        if before.last_service_date is not None:
            assert appliance.last_service_date is not None
            assert appliance.last_service_date >= before.last_service_date
    assert appliance.last_service_date == (max(serviced) if serviced else None)


def test_register_and_revise_validate_the_details() -> None:
    appliance = Appliance.register(appliance_details(), T0)
    assert appliance.details.type == "refrigerator"
    appliance.revise(appliance_details(type="Washer", brand=None), T0 + timedelta(days=1))
    assert (appliance.details.type, appliance.details.brand) == ("washer", None)
    assert appliance.updated_at == T0 + timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        appliance.revise(appliance_details(type="  "), T0)
    assert list(refused.value.errors) == ["type"]


def test_an_appliance_cannot_move_to_another_customer() -> None:
    appliance = Appliance.register(appliance_details(), T0)
    before = copy.deepcopy(appliance)
    with pytest.raises(ValidationFailed) as refused:
        appliance.revise(appliance_details(customer_id=CUSTOMER + 1), T0 + timedelta(days=1))
    assert list(refused.value.errors) == ["customer_id"]
    assert appliance == before
