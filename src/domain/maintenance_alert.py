"""MaintenanceAlert: when an appliance is expected to need service, and what the office did.

One alert per appliance. The scheduler's prediction pass raises it (OPEN) and revises it;
the office acknowledges it (ACKNOWLEDGED) and closes it (DONE). A revised prediction with
a different due date is news the office has not seen: it reopens the alert.
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


A = AlertStatus
ALERT_TRANSITIONS: dict[AlertStatus, frozenset[AlertStatus]] = {
    A.OPEN: frozenset({A.ACKNOWLEDGED, A.DONE}),
    A.ACKNOWLEDGED: frozenset({A.DONE}),
    A.DONE: frozenset(),  # only a new prediction (`revise` with another date) reopens it
}


@dataclass(frozen=True, slots=True)
class Prediction:
    """A due date estimate for one appliance, with how sure it is and why."""

    due_date: date
    confidence: float
    reason: str

    def validated(self) -> Prediction:
        return v.checked(self, reason=v.text(MAX_REASON), confidence=_confidence)


def _confidence(errors: dict[str, str], field: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        errors[field] = "must be between 0 and 1"
    return value


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

    def wants_reminder(self, horizon_end: date) -> bool:
        """Should the customer hear about it: not done yet, and due by `horizon_end`
        (an overdue appliance nobody was told about counts)."""
        return self.status is not AlertStatus.DONE and self.due_date <= horizon_end

    def reminder_key(self) -> str:
        """The outbox idempotency key: one reminder per appliance and due date, ever."""
        return reminder_key(self.appliance_id, self.due_date)


REMINDER_KEY_PREFIX = "maintenance:"


def reminder_key(appliance_id: int, due_date: date) -> str:
    return f"{REMINDER_KEY_PREFIX}{appliance_id}:{due_date.isoformat()}"
