"""ServiceFollowUp: checking in with a customer after a job, as a forward-only state machine."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import InvalidTransition, ValidationFailed
from domain.ratings import check_rating


class FollowUpStatus(enum.StrEnum):
    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    SENT = "SENT"
    COMPLETED = "COMPLETED"
    NO_RESPONSE = "NO_RESPONSE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


S = FollowUpStatus
FOLLOW_UP_TRANSITIONS: dict[FollowUpStatus, frozenset[FollowUpStatus]] = {
    S.PENDING: frozenset({S.SCHEDULED, S.SENT, S.COMPLETED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SENT, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.SENT: frozenset({S.COMPLETED, S.NO_RESPONSE, S.FAILED}),
    S.NO_RESPONSE: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}


@dataclass(slots=True)
class FollowUp:
    job_id: int
    customer_id: int
    created_at: datetime
    status: FollowUpStatus = FollowUpStatus.PENDING
    follow_up_date: datetime | None = None
    satisfaction_rating: int | None = None
    feedback: str | None = None
    id: int | None = None

    @classmethod
    def open(
        cls, job_id: int, customer_id: int, follow_up_date: datetime | None, now: datetime
    ) -> FollowUp:
        if follow_up_date is not None and follow_up_date.tzinfo is None:
            raise ValidationFailed.single("follow_up_date", "must include a UTC offset")
        status = FollowUpStatus.SCHEDULED if follow_up_date is not None else FollowUpStatus.PENDING
        return cls(job_id, customer_id, now, status, follow_up_date)

    def move_to(self, target: FollowUpStatus) -> None:
        if target is self.status:
            return
        if target not in FOLLOW_UP_TRANSITIONS[self.status]:
            raise InvalidTransition("follow-up", self.status.value, target.value)
        self.status = target

    def reschedule(self, follow_up_date: datetime) -> None:
        if follow_up_date.tzinfo is None:
            raise ValidationFailed.single("follow_up_date", "must include a UTC offset")
        if self.status not in (FollowUpStatus.PENDING, FollowUpStatus.SCHEDULED):
            raise InvalidTransition("follow-up", self.status.value, "rescheduled")
        self.follow_up_date = follow_up_date

    def record_feedback(self, rating: int | None, feedback: str | None) -> None:
        errors: dict[str, str] = {}
        cleaned = v.optional_text(errors, "feedback", feedback, 5000)
        v.raise_if(errors)
        if rating is not None:
            self.satisfaction_rating = check_rating(rating, "satisfaction_rating")
        if cleaned is not None:
            self.feedback = cleaned
