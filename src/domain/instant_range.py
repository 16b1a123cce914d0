"""The range every timestamp and date a client gives must fall in: years 1900 to 2199, as
written (in the offset the client used).

Field service needs nothing outside it (an appliance installed in 1900 is already a museum
piece; a visit booked past 2199 is a typo), and bounding it keeps every stored value far from
what the stack cannot represent: Python's `datetime` stops at years 1 and 9999 (converting
0001-01-01T00:30+01:00 to UTC overflows), and asyncpg writes `datetime.min`/`datetime.max`
as PostgreSQL's `-infinity`/`infinity`, which no JSON reader decodes back. The OpenAPI
document states the same range as a pattern on every date-time and date input
(`entrypoints/http/openapi_instants.py`).
"""

from __future__ import annotations

from datetime import date

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
OUT_OF_RANGE = f"must be within the years {EARLIEST_YEAR}-{LATEST_YEAR}"


def within_range(value: date) -> bool:
    """Whether `value` (a date, or a datetime read in its own offset) is in the range."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR
