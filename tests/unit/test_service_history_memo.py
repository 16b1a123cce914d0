"""The shop's service history is read once per TTL and local date, not per prediction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from application.insights.service_history_memo import ServiceHistoryMemo
from domain.maintenance_history import ServiceRecord

NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)


class CountingJobs:
    def __init__(self) -> None:
        self.reads = 0
        self.read_only_units = 0  # units of work declared read-only

    async def completed_appliance_services(self, limit: int) -> list[ServiceRecord]:
        self.reads += 1
        return [ServiceRecord(1, "oven", None, date(2023, 1, 1))]


class Work:
    def __init__(self, jobs: CountingJobs) -> None:
        self.jobs = jobs

    def read_only(self) -> Self:
        self.jobs.read_only_units += 1
        return self

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


async def test_the_history_is_read_once_per_ttl_and_date() -> None:
    jobs = CountingJobs()
    uow: Any = lambda: Work(jobs)  # noqa: E731
    memo = ServiceHistoryMemo(ttl=timedelta(minutes=10))
    today = NOW.date()
    first = await memo.history(uow, NOW, today)
    assert await memo.history(uow, NOW + timedelta(minutes=9), today) is first
    assert jobs.reads == 1
    await memo.history(uow, NOW, today + timedelta(days=1))  # another local date
    assert jobs.reads == 2
    assert await memo.history(uow, NOW + timedelta(minutes=10), today) is not first
    assert jobs.reads == 3
    assert jobs.read_only_units == 3  # it only reads: on SQLite it queues behind no writer
