"""A span of time, [start, end), either end of which may be left open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """From `start` (inclusive) until `end` (exclusive); None leaves that end open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, instant: datetime) -> bool:
        return (self.start is None or instant >= self.start) and (
            self.end is None or instant < self.end
        )


ANY_TIME = TimeWindow()
