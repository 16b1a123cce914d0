"""A call the office should make: what the PHONE channel produces instead of a message."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class CallTaskStatus(enum.StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


@dataclass(slots=True)
class CallTask:
    customer_id: int
    body: str
    created_at: datetime
    message_id: int | None = None
    status: CallTaskStatus = CallTaskStatus.OPEN
    id: int | None = None
