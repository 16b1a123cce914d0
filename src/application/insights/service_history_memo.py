"""The shop's service history, learned once and reused for a few minutes.

Every maintenance prediction rests on the intervals of all the shop's appliances; the nightly
alert refresh asks for one customer after another. One memo per process (the container's
singleton) reads the history at most once per `ttl` and per local date, so a batch of
predictions costs one query, not one per customer. A service completed meanwhile counts
from the next read (at most `ttl` later).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from application.ports.unit_of_work import UnitOfWork
from domain.maintenance_history import ServiceHistory

HISTORY_ROWS = 20_000  # the shop's newest completed services the intervals are learned from
HISTORY_TTL = timedelta(minutes=10)
KEPT_DATES = 3  # customers in several time zones can be on different local dates


class ServiceHistoryMemo:
    def __init__(self, ttl: timedelta = HISTORY_TTL) -> None:
        self._ttl = ttl
        self._entries: dict[date, tuple[datetime, ServiceHistory]] = {}

    async def history(
        self, uow: Callable[[], UnitOfWork], now: datetime, today: date
    ) -> ServiceHistory:
        """The history as of `today`, read again when older than the TTL."""
        entry = self._entries.get(today)
        if entry is not None and timedelta(0) <= now - entry[0] < self._ttl:
            return entry[1]
        async with uow().read_only() as work:
            records = await work.jobs.completed_appliance_services(HISTORY_ROWS)
        history = ServiceHistory.of(records, today)
        self._entries[today] = (now, history)
        for old in sorted(self._entries)[:-KEPT_DATES]:
            del self._entries[old]
        return history
