"""Series computed when scraped: the outbox's state (from the database) and the database
pool of this process. Not stored, so correct with any number of processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.outbox_gauges import OutboxGauges, read_outbox_gauges
from domain.messaging.message import MessageStatus
from entrypoints.observability.metrics import PREFIX


class OutboxCollector:
    """The outbox gauges read just before the scrape (see `read`)."""

    def __init__(self, gauges: OutboxGauges) -> None:
        self._gauges = gauges

    @classmethod
    async def read(cls, engine: AsyncEngine, now: datetime) -> OutboxCollector:
        return cls(await read_outbox_gauges(engine, now))

    def collect(self) -> Iterator[Metric]:
        by_status = GaugeMetricFamily(
            f"{PREFIX}_outbox_messages", "Outbox messages by status", labels=["status"]
        )
        for status in MessageStatus:
            by_status.add_metric([status.value], self._gauges.by_status.get(status.value, 0))
        yield by_status
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_oldest_due_age_seconds",
            "Seconds since the oldest SCHEDULED message became due (0: none waiting)",
            value=self._gauges.oldest_due_age_seconds,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_needs_review",
            "Messages whose outcome is unknown, waiting for a person",
            value=self._gauges.by_status.get(MessageStatus.NEEDS_REVIEW.value, 0),
        )


class PoolCollector:
    """Connections of this process's database pool checked out now."""

    def __init__(self, engine: AsyncEngine, process: str) -> None:
        self._engine = engine
        self._process = process

    def collect(self) -> Iterator[Metric]:
        pool = self._engine.sync_engine.pool
        checked_out = getattr(pool, "checkedout", None)
        gauge = GaugeMetricFamily(
            f"{PREFIX}_db_pool_in_use",
            "Database connections checked out of this process's pool",
            labels=["process"],
        )
        gauge.add_metric([self._process], float(checked_out()) if callable(checked_out) else 0.0)
        yield gauge


class LatestOutbox:
    """The outbox gauges of the last `refresh()`, for a metrics listener that serves from a
    thread (METRICS_PORT): the process's event loop refreshes them every few seconds."""

    def __init__(self) -> None:
        self._latest: OutboxCollector | None = None

    async def refresh(self, engine: AsyncEngine, now: datetime) -> None:
        self._latest = await OutboxCollector.read(engine, now)

    def collect(self) -> Iterator[Metric]:
        if self._latest is not None:
            yield from self._latest.collect()
