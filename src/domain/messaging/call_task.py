"""A call the office should make: what the PHONE channel produces instead of a message.

The office completes it with the call's outcome, which settles the message like a
provider's delivery status would (`outcome_status`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import Conflict
from domain.messaging.message import MessageStatus

MAX_NOTE = 2000


class CallTaskStatus(enum.StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


class CallOutcome(enum.StrEnum):
    REACHED = "REACHED"
    NO_ANSWER = "NO_ANSWER"
    LEFT_VOICEMAIL = "LEFT_VOICEMAIL"
    WRONG_NUMBER = "WRONG_NUMBER"


# What each outcome means for the message: the customer heard it (DELIVERED, a sent
# message's settled state) or did not (FAILED, the outcome as its last error).
OUTCOME_STATUS: dict[CallOutcome, MessageStatus] = {
    CallOutcome.REACHED: MessageStatus.DELIVERED,
    CallOutcome.LEFT_VOICEMAIL: MessageStatus.DELIVERED,
    CallOutcome.NO_ANSWER: MessageStatus.FAILED,
    CallOutcome.WRONG_NUMBER: MessageStatus.FAILED,
}


@dataclass(slots=True)
class CallTask:
    customer_id: int
    body: str
    created_at: datetime
    message_id: int | None = None
    status: CallTaskStatus = CallTaskStatus.OPEN
    outcome: CallOutcome | None = None
    note: str | None = None
    completed_at: datetime | None = None
    completed_by: int | None = None
    id: int | None = None

    def complete(
        self, outcome: CallOutcome, note: str | None, by: int | None, now: datetime
    ) -> None:
        """OPEN → DONE with the call's outcome; a second completion is a Conflict."""
        if self.status is CallTaskStatus.DONE:
            raise Conflict(f"call task {self.id} was already completed ({self.outcome})")
        errors: dict[str, str] = {}
        note = v.optional_text(errors, "note", note, MAX_NOTE)
        v.raise_if(errors)
        self.status, self.outcome, self.note = CallTaskStatus.DONE, outcome, note
        self.completed_at, self.completed_by = now, by
