"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from domain.instant_range import EARLIEST_YEAR, LATEST_YEAR

# What a stored instant may be: the supported years (domain.instant_range) in any offset,
# in UTC. Anything outside is refused before it reaches the database, whatever wrote it (a
# bug past the domain's checks), since a read could not decode it (asyncpg stores
# `datetime.min`/`max` as -infinity/infinity; offsets near the ends overflow).
EARLIEST_STORED = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC) - timedelta(days=1)
LATEST_STORED = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive), within
    EARLIEST_STORED..LATEST_STORED."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if not EARLIEST_STORED <= value < LATEST_STORED:
            raise ValueError("datetime outside the supported years given to a UTC column")
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
