"""Writing a known outcome back across a database outage: bounded retries.

Once the provider has answered, what happened is known; losing it to a dropped database
connection would turn a known outcome into a NEEDS_REVIEW "outcome unknown". So the
record step is retried with exponential backoff for up to `budget_seconds` (a restart of
the database, a failover) before giving up; the reconciler settles what is still left.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from application.outbox.outcome import Outcome
from domain.errors import DomainError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WriteBack:
    """How long and how often a known outcome is retried into the database."""

    budget_seconds: float = 90.0
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 10.0


async def written_back(
    step: Callable[[], Awaitable[Outcome]], message_id: int | None, policy: WriteBack
) -> Outcome:
    """Run the record `step` until it completes or the budget is spent (then its error
    is raised). Domain errors are bugs, not outages: raised at once."""
    deadline = time.monotonic() + policy.budget_seconds
    delay = policy.first_delay_seconds
    while True:
        try:
            return await step()
        except DomainError:
            raise
        except Exception as error:
            if time.monotonic() + delay > deadline:
                log.error(
                    "message %s: outcome not stored after %.0fs of retries (%s); "
                    "the reconciler will settle it",
                    message_id,
                    policy.budget_seconds,
                    type(error).__name__,
                )
                raise
            log.warning(
                "message %s: outcome not stored (%s); retrying in %.1fs",
                message_id,
                type(error).__name__,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, policy.max_delay_seconds)
