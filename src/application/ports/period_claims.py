"""Period claims port: who enqueued which run of a periodic job."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol


class PeriodClaims(Protocol):
    """One row per (job, period): the first claimant wins, every later one loses.

    `claim` is a context manager so the claim and the enqueue that follows it succeed or
    fail together: entering yields True when this caller holds the claim (held, not yet
    final), False when another caller already holds or made it. Leaving normally makes a
    held claim final; leaving with an exception releases it, so the period can be claimed
    again (by the next tick or another scheduler).
    """

    def claim(
        self, job_name: str, period_key: str, claimed_by: str, claimed_at: datetime
    ) -> AbstractAsyncContextManager[bool]: ...

    async def latest(self, job_name: str) -> str | None:
        """The greatest period key claimed for `job_name`, or None before the first claim."""
        ...
