"""Reviews of completed jobs, and a customer's rating of a technician for one job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import Conflict, ValidationFailed
from domain.job import Job, JobStatus
from domain.ratings import check_rating


def _check_job_parties(job: Job, customer_id: int, technician_id: int | None) -> int:
    """The job's own customer and technician; raises naming the field that disagrees."""
    if job.details.customer_id != customer_id:
        raise ValidationFailed.single("customer_id", "is not the job's customer")
    if job.details.technician_id is None:
        raise ValidationFailed.single("job_id", "the job has no technician to rate")
    if technician_id is not None and technician_id != job.details.technician_id:
        raise ValidationFailed.single("technician_id", "is not the job's technician")
    return job.details.technician_id


@dataclass(slots=True)
class Review:
    job_id: int
    customer_id: int
    technician_id: int
    rating: int
    created_at: datetime
    comment: str | None = None
    id: int | None = None

    @classmethod
    def of_job(
        cls,
        job: Job,
        customer_id: int,
        technician_id: int | None,
        rating: int,
        comment: str | None,
        now: datetime,
    ) -> Review:
        """Only a completed job can be reviewed, by its customer, about its technician."""
        assert job.id is not None
        check_rating(rating)
        errors: dict[str, str] = {}
        comment = v.optional_text(errors, "comment", comment, 5000)
        v.raise_if(errors)
        technician = _check_job_parties(job, customer_id, technician_id)
        if job.status is not JobStatus.COMPLETED:
            raise Conflict(f"job {job.id} is {job.status.value}; only a completed job is reviewed")
        return cls(job.id, customer_id, technician, rating, now, comment)


@dataclass(slots=True)
class TechnicianRating:
    """CustomerTechnicianRating: how a customer rated the technician of one of their jobs."""

    customer_id: int
    technician_id: int
    job_id: int
    rating: int
    created_at: datetime
    id: int | None = None

    @classmethod
    def of_job(
        cls, job: Job, customer_id: int, technician_id: int, rating: int, now: datetime
    ) -> TechnicianRating:
        assert job.id is not None
        check_rating(rating)
        _check_job_parties(job, customer_id, technician_id)
        return cls(customer_id, technician_id, job.id, rating, now)
