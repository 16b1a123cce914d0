"""The rate-limit window as stored: its count and reset time, whatever the limit."""

from __future__ import annotations

import json

from entrypoints.http.rate_window import RateWindow

NOW = 1_800_000_000


def test_no_stored_window_starts_one_at_zero() -> None:
    assert RateWindow.read(None, NOW, 60) == RateWindow(0, NOW + 60)


def test_a_window_is_stored_as_two_numbers_and_read_back() -> None:
    window = RateWindow.starting(NOW, 60).counted().counted()
    assert window.encode() == b"2 %d" % (NOW + 60)
    assert RateWindow.read(window.encode(), NOW + 59, 60) == window


def test_the_stored_form_does_not_grow_with_the_count() -> None:
    window = RateWindow(9_999, NOW + 60)
    assert len(window.counted().encode()) <= len(b"10000 ") + len(str(NOW + 60))


def test_an_ended_window_starts_again() -> None:
    stored = RateWindow(5, NOW).encode()
    assert RateWindow.read(stored, NOW, 60) == RateWindow(0, NOW + 60)


def test_litestars_json_form_is_read_as_its_count() -> None:
    stored = json.dumps({"history": [NOW - 2, NOW - 1, NOW], "reset": NOW + 30}).encode()
    assert RateWindow.read(stored, NOW, 60) == RateWindow(3, NOW + 30)


def test_an_unreadable_value_starts_a_fresh_window() -> None:
    for stored in (b"garbage", b"1 2 3", b"{not json", b"x 5"):
        assert RateWindow.read(stored, NOW, 60) == RateWindow(0, NOW + 60)
