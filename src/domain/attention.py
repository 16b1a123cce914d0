"""Which customers need the office's attention today, and why (the daily suggestion rules).

A customer needs attention when one of these signals fired since their last suggestion:
- RECENT_COMPLETION: a job completed in the last 3 days;
- LOW_RATING: a review or technician rating of 2 or less in the last 30 days;
- NEGATIVE_FEEDBACK: a follow-up with a satisfaction rating of 2 or less in the last 30 days
  (dated by its follow-up date, else its creation);
- LONG_SILENCE: they have a job on record, but no job scheduled, created or completed and
  no message sent in the last 180 days, and no suggestion in those 180 days either.

Each signal names the job it is about (LONG_SILENCE: the customer's latest job); a signal
that happened at or before the customer's latest suggestion was already handled.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

RECENT_COMPLETION = timedelta(days=3)
RATING_WINDOW = timedelta(days=30)
LOW_RATING_MAX = 2
SILENCE = timedelta(days=180)


class AttentionReason(enum.StrEnum):
    # Declared most pressing first: the job a customer's suggestion is about comes from
    # their most pressing signal.
    NEGATIVE_FEEDBACK = "NEGATIVE_FEEDBACK"
    LOW_RATING = "LOW_RATING"
    RECENT_COMPLETION = "RECENT_COMPLETION"
    LONG_SILENCE = "LONG_SILENCE"


PRIORITY = {reason: rank for rank, reason in enumerate(AttentionReason)}


@dataclass(frozen=True, slots=True)
class AttentionCriteria:
    """The rules above as instants, for a run at `now`."""

    now: datetime
    recent_since: datetime
    rating_since: datetime
    silent_before: datetime
    low_rating_max: int = LOW_RATING_MAX

    @classmethod
    def at(cls, now: datetime) -> AttentionCriteria:
        return cls(now, now - RECENT_COMPLETION, now - RATING_WINDOW, now - SILENCE)


@dataclass(frozen=True, slots=True)
class AttentionSignal:
    customer_id: int
    job_id: int
    reason: AttentionReason
    at: datetime


@dataclass(frozen=True, slots=True)
class NeedsAttention:
    """One customer to suggest for: the job the suggestion is about, and every reason."""

    customer_id: int
    job_id: int
    reasons: tuple[AttentionReason, ...]


def needing_attention(signals: Iterable[AttentionSignal]) -> list[NeedsAttention]:
    """One entry per customer (by id): the job of the most pressing, then latest, signal."""
    by_customer: dict[int, list[AttentionSignal]] = {}
    for signal in signals:
        by_customer.setdefault(signal.customer_id, []).append(signal)
    result = []
    for customer_id, group in sorted(by_customer.items()):
        top = min(group, key=lambda s: (PRIORITY[s.reason], -s.at.timestamp(), -s.job_id))
        reasons = tuple(sorted({s.reason for s in group}, key=PRIORITY.__getitem__))
        result.append(NeedsAttention(customer_id, top.job_id, reasons))
    return result
