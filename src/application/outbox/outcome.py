"""What sending a message came to, one message (`Outcome`) and a batch (`DispatchReport`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    """What `send_one` did with a message."""

    SENT = "sent"  # handed to the provider (or, for PHONE, to the office as a call task)
    DEFERRED = "deferred"  # outside the allowed window or over the frequency cap: later
    SUPPRESSED = "suppressed"  # no consent, opted out, unreachable: never sent
    FAILED = "failed"  # the provider refused it, or the last attempt failed
    RETRIED = "retried"  # a retryable error: scheduled again with backoff
    NEEDS_REVIEW = "needs_review"  # the provider may have it: a person checks
    SKIPPED = "skipped"  # not due, or another worker claimed it first


@dataclass(slots=True)
class DispatchReport:
    """How many messages of a batch came to each `Outcome`."""

    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    failed: int = 0
    retried: int = 0
    needs_review: int = 0
    skipped: int = 0

    def count(self, outcome: str) -> None:
        name = Outcome(outcome).value
        setattr(self, name, getattr(self, name) + 1)

    @property
    def processed(self) -> int:
        """Messages this run claimed and moved on (all but the skipped)."""
        return sum(getattr(self, o.value) for o in Outcome if o is not Outcome.SKIPPED)
