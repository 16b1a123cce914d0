"""validation.instant: an aware datetime is accepted exactly when its year, as written, is
within the supported range, and then its UTC value is within what the UTC column stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from adapters.sqlalchemy.types import EARLIEST_STORED, LATEST_STORED
from domain import validation as v
from domain.instant_range import EARLIEST_YEAR, LATEST_YEAR, OUT_OF_RANGE

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))


@given(st.datetimes(timezones=offsets))
def test_instant_accepts_exactly_the_supported_years(value: datetime) -> None:
    errors: dict[str, str] = {}
    checked = v.instant(errors, "when", value)
    if EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        assert errors == {} and checked == value
        assert EARLIEST_STORED <= checked < LATEST_STORED
    else:
        assert errors == {"when": OUT_OF_RANGE}
