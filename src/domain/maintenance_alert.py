"""MaintenanceAlert: when an appliance is expected to need service, and what the office did.

One alert per appliance. The scheduler's prediction pass raises it (OPEN) and revises it;
the office acknowledges it (ACKNOWLEDGED), dismisses it with a reason (DISMISSED), or a job
booked for it closes it when the job completes (DONE). A revised prediction with a
different due date is news the office has not seen: it reopens the alert.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from domain import validation as v
from domain.state_machine import check_move

MAX_REASON = 500


class AlertStatus(enum.StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    DONE = "DONE"
    DISMISSED = "DISMISSED"


A = AlertStatus
ALERT_TRANSITIONS: dict[AlertStatus, frozenset[AlertStatus]] = {
    A.OPEN: frozenset({A.ACKNOWLEDGED, A.DONE, A.DISMISSED}),
    A.ACKNOWLEDGED: frozenset({A.DONE, A.DISMISSED}),
    # Closed: only a new prediction (`revise` with another date) reopens them.
    A.DONE: frozenset(),
    A.DISMISSED: frozenset(),
}
CLOSED = frozenset({A.DONE, A.DISMISSED})
"""The states in which the customer is not reminded and the office has nothing to do."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """A due date estimate for one appliance, with how sure it is and why."""

    due_date: date
    confidence: float
    reason: str

    def validated(self) -> Prediction:
        return v.checked(self, reason=v.text(MAX_REASON), confidence=_confidence)


def _confidence(errors: dict[str, str], field: str, value: float) -> float:
    """Between 0 and 1, kept in hundredths: what a person reads ("87%"), and a value every
    database writes back as it was given (SQLite's JSON has 15 significant digits, so a
    model's 0.8765432109876543 read 0.876543210987654 on one path and not on another)."""
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        errors[field] = "must be between 0 and 1"
        return value
    return round(value, 2)


@dataclass(slots=True)
class MaintenanceAlert:
    appliance_id: int
    customer_id: int
    due_date: date
    confidence: float
    reason: str
    created_at: datetime
    updated_at: datetime
    status: AlertStatus = AlertStatus.OPEN
    dismiss_reason: str | None = None
    dismissed_at: datetime | None = None
    dismissed_by: int | None = None
    id: int | None = None

    @classmethod
    def raise_for(
        cls, appliance_id: int, customer_id: int, prediction: Prediction, now: datetime
    ) -> MaintenanceAlert:
        p = prediction.validated()
        return cls(appliance_id, customer_id, p.due_date, p.confidence, p.reason, now, now)

    def revise(self, prediction: Prediction, now: datetime) -> bool:
        """Apply a fresh prediction; a new due date reopens the alert. Returns whether the
        due date, confidence, reason or status changed (`updated_at` moves either way: it
        records when the appliance was last assessed)."""
        p = prediction.validated()
        before = (self.due_date, self.confidence, self.reason, self.status)
        if p.due_date != self.due_date:
            self.status = AlertStatus.OPEN
        self.due_date, self.confidence, self.reason = p.due_date, p.confidence, p.reason
        self.updated_at = now
        return before != (self.due_date, self.confidence, self.reason, self.status)

    def move_to(self, target: AlertStatus, now: datetime) -> None:
        if target is self.status:
            return
        check_move("maintenance alert", ALERT_TRANSITIONS, self.status, target)
        self.status = target
        self.updated_at = now

    def acknowledge(self, now: datetime) -> None:
        """OPEN → ACKNOWLEDGED: the office has seen it (InvalidTransition from any other)."""
        self.move_to_checked(A.ACKNOWLEDGED, now)

    def dismiss(self, reason: str, by: int | None, now: datetime) -> None:
        """OPEN or ACKNOWLEDGED → DISMISSED, recording why, who and when."""
        errors: dict[str, str] = {}
        reason = v.text(MAX_REASON)(errors, "reason", reason)
        v.raise_if(errors)
        self.move_to_checked(A.DISMISSED, now)
        self.dismiss_reason, self.dismissed_at, self.dismissed_by = reason, now, by

    def close(self, now: datetime) -> None:
        """The job booked for it completed: DONE, unless it is closed already."""
        if self.status not in CLOSED:
            self.move_to(A.DONE, now)

    def move_to_checked(self, target: AlertStatus, now: datetime) -> None:
        """Like `move_to`, but staying put is refused too (a repeated dismiss is a 409)."""
        check_move("maintenance alert", ALERT_TRANSITIONS, self.status, target)
        self.move_to(target, now)

    def wants_reminder(self, horizon_end: date) -> bool:
        """Should the customer hear about it: not done or dismissed, and due by
        `horizon_end` (an overdue appliance nobody was told about counts)."""
        return self.status not in CLOSED and self.due_date <= horizon_end

    def reminder_key(self) -> str:
        """The outbox idempotency key: one reminder per appliance and due date, ever."""
        return reminder_key(self.appliance_id, self.due_date)


REMINDER_KEY_PREFIX = "maintenance:"


def reminder_key(appliance_id: int, due_date: date) -> str:
    return f"{REMINDER_KEY_PREFIX}{appliance_id}:{due_date.isoformat()}"
