"""A log line's time: UTC, ISO 8601 to the millisecond, as datetime renders it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from entrypoints.observability.log_format import _timestamp


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = created
    return record


@pytest.mark.parametrize(
    "created",
    [
        1_796_275_470.0,
        1_796_275_470.0004,
        1_796_275_470.9995,
        1_796_275_470.9999996,  # rounds up into the next second
        1_715_733_330.8199997,  # binary floats just below a millisecond
        1_796_275_471.001,
        0.5,
    ],
)
def test_the_time_is_what_datetime_renders(created: float) -> None:
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    assert _timestamp(_record(created)) == expected


def test_lines_within_one_second_and_across_seconds() -> None:
    base = 1_796_275_470
    for created in (base + 0.1, base + 0.2, base + 1.3, base + 0.4, base + 86_400.5):
        expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
        assert _timestamp(_record(created)) == expected
