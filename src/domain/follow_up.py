"""ServiceFollowUp: checking in with a customer after a job, as a forward-only state machine."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from domain import validation as v
from domain.errors import InvalidTransition, ValidationFailed
from domain.ratings import check_rating
from domain.state_machine import check_move


class FollowUpStatus(enum.StrEnum):
    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    SENT = "SENT"
    AWAITING_REVIEW = "AWAITING_REVIEW"  # its message's outcome is unknown (NEEDS_REVIEW)
    COMPLETED = "COMPLETED"
    NO_RESPONSE = "NO_RESPONSE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


S = FollowUpStatus
FOLLOW_UP_TRANSITIONS: dict[FollowUpStatus, frozenset[FollowUpStatus]] = {
    S.PENDING: frozenset({S.SCHEDULED, S.SENT, S.COMPLETED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SENT, S.AWAITING_REVIEW, S.COMPLETED, S.FAILED, S.CANCELLED}),
    # Someone resolves the message: SENT, or not sent and tried again (SCHEDULED).
    S.AWAITING_REVIEW: frozenset({S.SENT, S.SCHEDULED, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.SENT: frozenset({S.COMPLETED, S.NO_RESPONSE, S.FAILED}),
    S.NO_RESPONSE: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}


MAX_SUGGESTION = 2000


def suggestion_key(customer_id: int, job_id: int, day: date, index: int) -> str:
    """The unique key of the `index`-th suggestion of a batch: one batch per customer, job
    and UTC day, so a second run that day (or a racing one) cannot store another."""
    return f"suggestion:{customer_id}:{job_id}:{day.isoformat()}:{index}"


def _checked_date(follow_up_date: datetime) -> datetime:
    """An aware instant in UTC; a naive or out-of-range one is refused naming the field."""
    errors: dict[str, str] = {}
    checked = v.instant(errors, "follow_up_date", follow_up_date)
    v.raise_if(errors)
    return checked


@dataclass(slots=True)
class FollowUp:
    job_id: int
    customer_id: int
    created_at: datetime
    status: FollowUpStatus = FollowUpStatus.PENDING
    follow_up_date: datetime | None = None
    satisfaction_rating: int | None = None
    feedback: str | None = None
    suggestion: str | None = None
    suggestion_key: str | None = None
    id: int | None = None

    @classmethod
    def open(
        cls, job_id: int, customer_id: int, follow_up_date: datetime | None, now: datetime
    ) -> FollowUp:
        """A new follow-up: SCHEDULED when it has a date, PENDING otherwise."""
        if follow_up_date is not None:
            follow_up_date = _checked_date(follow_up_date)
        status = FollowUpStatus.SCHEDULED if follow_up_date is not None else FollowUpStatus.PENDING
        return cls(job_id, customer_id, now, status, follow_up_date)

    @classmethod
    def suggest(
        cls, job_id: int, customer_id: int, suggestion: str, key: str, now: datetime
    ) -> FollowUp:
        """A PENDING follow-up holding a suggested next action for the office.

        `key` (see `suggestion_key`) is unique: the same suggestion is never stored twice.
        """
        errors: dict[str, str] = {}
        text = v.required_text(errors, "suggestion", suggestion, MAX_SUGGESTION)
        v.raise_if(errors)
        return cls(job_id, customer_id, now, suggestion=text, suggestion_key=key)

    def move_to(self, target: FollowUpStatus) -> None:
        if target is self.status:
            return
        check_move("follow-up", FOLLOW_UP_TRANSITIONS, self.status, target)
        self.status = target

    def reschedule(self, follow_up_date: datetime) -> None:
        """Set or move the date of a follow-up not yet sent; a PENDING one becomes SCHEDULED."""
        follow_up_date = _checked_date(follow_up_date)
        if self.status not in (FollowUpStatus.PENDING, FollowUpStatus.SCHEDULED):
            raise InvalidTransition("follow-up", self.status.value, "rescheduled")
        self.follow_up_date = follow_up_date
        self.status = FollowUpStatus.SCHEDULED

    def record_feedback(self, rating: int | None, feedback: str | None) -> None:
        """Record what the customer said; None leaves a value as it was."""
        errors: dict[str, str] = {}
        cleaned = v.optional_text(errors, "feedback", feedback, 5000)
        if rating is not None:
            try:
                check_rating(rating, "satisfaction_rating")
            except ValidationFailed as refused:
                errors.update(refused.errors)
        v.raise_if(errors)
        if rating is not None:
            self.satisfaction_rating = rating
        if cleaned is not None:
            self.feedback = cleaned
