"""The Job aggregate and its lifecycle: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import InvalidTransition, ValidationFailed
from domain.recorded import Recorded
from domain.state_machine import check_move


class JobStatus(enum.StrEnum):
    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


ALLOWED_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.SCHEDULED: frozenset({JobStatus.IN_PROGRESS, JobStatus.CANCELLED}),
    JobStatus.IN_PROGRESS: frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}


@dataclass(slots=True)
class JobDetails:
    """What the office may edit on a job; the status moves only through the lifecycle."""

    customer_id: int
    description: str
    scheduled_for: datetime
    technician_id: int | None = None
    appliance: str | None = None
    notes: str | None = None
    appliance_id: int | None = None

    def validated(self) -> JobDetails:
        return v.checked(
            self,
            description=v.text(2000),
            scheduled_for=v.instant,
            appliance=v.optional(200),
            notes=v.optional(5000),
        )


@dataclass(slots=True, kw_only=True)
class Job(Recorded[JobDetails]):
    """A job: scheduled, revised as a whole while open (never moved to another customer),
    moved along its lifecycle."""

    status: JobStatus = JobStatus.SCHEDULED
    started_at: datetime | None = None
    completion_date: datetime | None = None
    cancelled_at: datetime | None = None
    maintenance_alert_id: int | None = None  # the alert it was booked for (set at creation)

    @classmethod
    def schedule(cls, details: JobDetails, now: datetime) -> Job:
        return cls.record(details, now)

    def revise(self, details: JobDetails) -> None:
        if self.status in (JobStatus.COMPLETED, JobStatus.CANCELLED):
            raise InvalidTransition("job", self.status.value, "edited")
        if details.customer_id != self.details.customer_id:
            raise ValidationFailed.single("customer_id", "a job cannot move to another customer")
        Recorded.revise(self, details)

    def _move(self, target: JobStatus) -> None:
        check_move("job", ALLOWED_TRANSITIONS, self.status, target)
        self.status = target

    def start(self, now: datetime) -> None:
        self._move(JobStatus.IN_PROGRESS)
        self.started_at = now

    def complete(self, now: datetime) -> None:
        self._move(JobStatus.COMPLETED)
        self.completion_date = now

    def cancel(self, now: datetime) -> None:
        self._move(JobStatus.CANCELLED)
        self.cancelled_at = now
