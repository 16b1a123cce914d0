"""Cron strings and fire times: the schedule read in its time zone, across DST changes.

The oracle is a brute-force walk over every minute, converting each UTC instant to the
zone's wall-clock time and matching the cron fields by hand: the fire times are exactly the
instants whose wall time matches.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from application.scheduling import latest_fire_at_or_before, periods_to_enqueue
from entrypoints.settings import Settings, SettingsError
from entrypoints.workers.schedule import (
    CronSchedule,
    ScheduleError,
    crontab_day_of_week,
    parse_cron,
)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # DST shift of 30 minutes
    "Australia/Sydney",  # southern hemisphere
    "Asia/Kolkata",  # +05:30, no DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -03:30 / -02:30, changes at 02:00 local
]

# Instants around real DST changes (and one quiet day), to draw "now" near them.
ANCHORS = [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Europe spring forward
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # Europe fall back
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # US spring forward
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),  # US fall back
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),  # Australia fall back (Sydney, Lord Howe)
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Australia spring forward
    datetime(2026, 9, 26, 14, 0, tzinfo=UTC),  # Chatham spring forward
    datetime(2026, 4, 4, 14, 0, tzinfo=UTC),  # Chatham fall back
    datetime(2026, 6, 15, 12, 0, tzinfo=UTC),  # nothing happens
]


def _matches(wall: datetime, minutes: set[int], hours: set[int]) -> bool:
    return wall.minute in minutes and wall.hour in hours


def oracle_fires(
    zone: ZoneInfo, minutes: set[int], hours: set[int], start: datetime, end: datetime
) -> list[datetime]:
    """Every whole-minute instant in [start, end] whose wall time in `zone` matches."""
    u = start.replace(second=0, microsecond=0)
    if u < start:
        u += timedelta(minutes=1)
    fires = []
    while u <= end:
        if _matches(u.astimezone(zone), minutes, hours):
            fires.append(u)
        u += timedelta(minutes=1)
    return fires


def _field(values: set[int], full: int) -> str:
    return "*" if len(values) == full else ",".join(str(v) for v in sorted(values))


cron_fields = st.tuples(
    st.sets(st.integers(0, 59), min_size=1, max_size=4) | st.just(set(range(60))),
    st.sets(st.integers(0, 23), min_size=1, max_size=3) | st.just(set(range(24))),
)
instants = st.builds(
    lambda anchor, minutes, seconds: anchor + timedelta(minutes=minutes, seconds=seconds),
    st.sampled_from(ANCHORS),
    st.integers(-26 * 60, 26 * 60),
    st.integers(0, 59),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ZONES), cron_fields, instants)
@example("Europe/Berlin", ({0, 30}, {2}), datetime(2026, 10, 25, 0, 30, 1, tzinfo=UTC))
@example("Europe/Berlin", ({30}, {2}), datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
@example("America/New_York", ({0}, {1}), datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
@example("Pacific/Chatham", ({53}, set(range(24))), datetime(2026, 4, 4, 13, 33, 56, tzinfo=UTC))
def test_next_fire_is_the_first_matching_instant(
    zone_name: str, fields: tuple[set[int], set[int]], t: datetime
) -> None:
    minutes, hours = fields
    zone = ZoneInfo(zone_name)
    schedule = CronSchedule(f"{_field(minutes, 60)} {_field(hours, 24)} * * *", zone)
    expected = oracle_fires(zone, minutes, hours, t, t + timedelta(days=3))[0]
    assert schedule.next_fire(t) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ZONES),
    cron_fields,
    instants,
    st.none() | st.integers(0, 3 * 24 * 60),
)
@example("Europe/Berlin", ({0, 30}, {2}), datetime(2026, 10, 25, 1, 45, tzinfo=UTC), 30)
@example("Europe/Berlin", ({30}, {2}), datetime(2026, 3, 29, 12, 0, tzinfo=UTC), None)
def test_exactly_the_latest_unclaimed_period_is_enqueued(
    zone_name: str,
    fields: tuple[set[int], set[int]],
    now: datetime,
    claimed_minutes_ago: int | None,
) -> None:
    """For any (last claimed, now): the latest fire time <= now, once, or nothing."""
    minutes, hours = fields
    zone = ZoneInfo(zone_name)
    schedule = CronSchedule(f"{_field(minutes, 60)} {_field(hours, 24)} * * *", zone)
    last_claimed = (
        None
        if claimed_minutes_ago is None
        else (now - timedelta(minutes=claimed_minutes_ago)).replace(second=0, microsecond=0)
    )
    fires = oracle_fires(zone, minutes, hours, now - timedelta(days=3), now)
    latest = fires[-1]
    expected = [] if last_claimed is not None and latest <= last_claimed else [latest]
    assert periods_to_enqueue(schedule.next_fire, now, last_claimed) == expected
    assert latest_fire_at_or_before(schedule.next_fire, now) == latest


def test_fall_back_fires_both_occurrences_of_a_repeated_wall_time() -> None:
    schedule = CronSchedule("30 2 * * *", ZoneInfo("Europe/Berlin"))
    first = schedule.next_fire(datetime(2026, 10, 24, 12, tzinfo=UTC))
    second = schedule.next_fire(first + timedelta(seconds=1))  # type: ignore[operator]
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET


def test_spring_forward_skips_a_wall_time_that_does_not_exist() -> None:
    schedule = CronSchedule("30 2 * * *", ZoneInfo("Europe/Berlin"))
    fire = schedule.next_fire(datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert fire == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 29 March has no 02:30


def test_daily_time_follows_local_time_across_dst() -> None:
    schedule = CronSchedule("0 7 * * *", ZoneInfo("America/New_York"))
    winter = schedule.next_fire(datetime(2026, 1, 10, tzinfo=UTC))
    summer = schedule.next_fire(datetime(2026, 7, 10, tzinfo=UTC))
    assert winter == datetime(2026, 1, 10, 12, tzinfo=UTC)
    assert summer == datetime(2026, 7, 10, 11, tzinfo=UTC)


def test_six_fields_have_seconds_first() -> None:
    schedule = CronSchedule("*/10 * * * * *", ZoneInfo("UTC"))
    t = datetime(2026, 5, 1, 12, 0, 3, tzinfo=UTC)
    assert schedule.next_fire(t) == datetime(2026, 5, 1, 12, 0, 10, tzinfo=UTC)
    assert latest_fire_at_or_before(schedule.next_fire, t) == datetime(
        2026, 5, 1, 12, 0, 0, tzinfo=UTC
    )


def test_rare_schedules_are_found_far_back() -> None:
    leap_day = CronSchedule("0 0 29 2 *", ZoneInfo("UTC"))
    now = datetime(2031, 1, 1, tzinfo=UTC)
    assert latest_fire_at_or_before(leap_day.next_fire, now) == datetime(2028, 2, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("5-7", "sun,fri,sat"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("mon-fri", "mon,tue,wed,thu,fri"),
        ("sat,sun", "sun,sat"),
        ("0-6", "*"),
    ],
)
def test_crontab_weekdays_count_sunday_as_zero(field: str, expected: str) -> None:
    assert crontab_day_of_week(field) == expected


def test_weekdays_mean_monday_to_friday() -> None:
    schedule = CronSchedule("0 9 * * 1-5", ZoneInfo("UTC"))
    saturday = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert schedule.next_fire(saturday) == datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday


@pytest.mark.parametrize(
    "expression",
    ["* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "0 7 31 2 *", "0 7 * * 8", "x"],
)
def test_bad_cron_strings_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse_cron(expression, ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCHEDULE_DISPATCH", "every minute"),
        ("SCHEDULE_RECONCILE", "*/5 * * *"),
        ("SCHEDULE_FOLLOW_UPS", "0 25 * * *"),
        ("SCHEDULE_MAINTENANCE", "30 7 * 13 *"),
        ("SCHEDULE_SURVEYS", "*/0 * * * *"),
        ("SCHEDULE_TIMEZONE", "Mars/Olympus"),
        ("SCHEDULE_TIMEZONE", "localtime"),
        ("WORKER_HEARTBEAT_TIMEOUT_SECONDS", "1"),
        ("WORKER_THREADS", "0"),
        ("WORKER_REDIS_NAMESPACE", "a b"),
    ],
)
def test_a_bad_schedule_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({variable: value})
    assert error.value.variable == variable


def test_schedule_settings_defaults_and_time_zone() -> None:
    settings = Settings.from_env({"SCHEDULE_TIMEZONE": "Europe/Berlin"})
    assert settings.schedule.timezone == "Europe/Berlin"
    assert settings.schedule.follow_ups == "0 7 * * *"
    assert settings.schedule.dispatch == "* * * * *"
    assert settings.workers.heartbeat_timeout_seconds == 60
