"""The outbox as an operator watches it: messages by status and the age of the oldest due
message, in two statements (read at each metrics scrape)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import messages


@dataclass(frozen=True, slots=True)
class OutboxGauges:
    by_status: dict[str, int]
    #: Seconds since the oldest SCHEDULED message became due (0 when none is due).
    oldest_due_age_seconds: float


async def read_outbox_gauges(engine: AsyncEngine, now: datetime) -> OutboxGauges:
    async with engine.connect() as connection:
        counts = await connection.execute(
            select(messages.c.status, func.count()).group_by(messages.c.status)
        )
        by_status = {str(status): int(count) for status, count in counts}
        oldest = await connection.scalar(
            select(func.min(messages.c.scheduled_for)).where(
                messages.c.status == "SCHEDULED", messages.c.scheduled_for <= now
            )
        )
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return OutboxGauges(by_status, age)
