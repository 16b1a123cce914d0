"""The deterministic rules behind the LLM insights: greeting occasions, service intervals,
technician candidates, appliance kinds and contact channels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.appliance import appliance_kind
from domain.contact_preferences import ContactMethod, ContactPreferences
from domain.greeting_occasion import (
    SEASONAL_MONTHS,
    CompletedService,
    Occasion,
    decide_occasion,
)
from domain.maintenance_interval import estimate_due, service_interval_days
from domain.technician_matching import TechnicianProfile, match_candidates

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
ZONES = ["UTC", "America/Los_Angeles", "Europe/Madrid", "Asia/Tokyo", "Pacific/Kiritimati"]

# --- greeting occasions --------------------------------------------------------------------


def test_a_new_customer_without_completed_jobs_is_welcomed() -> None:
    decision = decide_occasion(NOW, "UTC", NOW - timedelta(days=14), [])
    assert decision.occasion is Occasion.NEW_CUSTOMER_WELCOME
    later = decide_occasion(NOW, "UTC", NOW - timedelta(days=14, seconds=1), [])
    assert later.occasion is not Occasion.NEW_CUSTOMER_WELCOME


def test_a_recent_completion_earns_a_thank_you_about_the_latest_job() -> None:
    completed = [
        CompletedService(1, NOW - timedelta(days=6)),
        CompletedService(2, NOW - timedelta(days=2)),
    ]
    decision = decide_occasion(NOW, "UTC", NOW - timedelta(days=3), completed)
    assert decision.occasion is Occasion.THANK_YOU and decision.job_id == 2


def test_the_anniversary_of_the_first_completed_job_within_three_days() -> None:
    first = CompletedService(7, datetime(2022, 6, 18, 15, tzinfo=UTC))
    decision = decide_occasion(NOW, "UTC", datetime(2022, 1, 1, tzinfo=UTC), [first])
    assert decision.occasion is Occasion.SERVICE_ANNIVERSARY
    assert decision.years == 2 and decision.job_id == 7
    four_days = decide_occasion(NOW - timedelta(days=1), "UTC", first.completed_at, [first])
    assert four_days.occasion is not Occasion.SERVICE_ANNIVERSARY


def test_less_than_a_year_is_no_anniversary() -> None:
    first = CompletedService(1, datetime(2024, 6, 14, tzinfo=UTC) - timedelta(days=8))
    decision = decide_occasion(NOW, "UTC", datetime(2023, 1, 1, tzinfo=UTC), [first])
    assert decision.occasion is Occasion.NONE


def test_seasonal_reminder_in_spring_without_recent_service() -> None:
    march = datetime(2024, 3, 10, 12, tzinfo=UTC)
    old_job = [CompletedService(1, march - timedelta(days=200))]
    decision = decide_occasion(march, "UTC", march - timedelta(days=400), old_job)
    assert decision.occasion is Occasion.SEASONAL_MAINTENANCE
    serviced = [march - timedelta(days=100)]
    recent = decide_occasion(march, "UTC", march - timedelta(days=400), old_job, serviced)
    assert recent.occasion is Occasion.NONE


def test_the_month_is_the_customers_local_month() -> None:
    # 1 March 02:00 in Tokyo is still 29 February (leap year) in UTC.
    now = datetime(2024, 2, 29, 17, 0, tzinfo=UTC)
    since = now - timedelta(days=400)
    assert decide_occasion(now, "Asia/Tokyo", since, []).occasion is Occasion.SEASONAL_MAINTENANCE
    assert decide_occasion(now, "UTC", since, []).occasion is Occasion.NONE


def _is_anniversary_window(today: date, first: date) -> int | None:
    """The years of an anniversary within 3 days of `today` (brute force over the days)."""
    for offset in range(-3, 4):
        day = today + timedelta(days=offset)
        same = (day.month, day.day) == (first.month, first.day)
        leap_fallback = (
            (first.month, first.day) == (2, 29)
            and (day.month, day.day) == (2, 28)
            and not (day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0))
        )
        if (same or leap_fallback) and day.year - first.year >= 1:
            return day.year - first.year
    return None


instants = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    now=instants,
    zone=st.sampled_from(ZONES),
    age_days=st.integers(0, 2000),
    ages=st.lists(st.integers(0, 6 * 365 * 24), max_size=4),
    serviced_hours=st.lists(st.integers(0, 400 * 24), max_size=2),
)
def test_the_occasion_follows_the_rules_in_order(
    now: datetime,
    zone: str,
    age_days: int,
    ages: list[int],
    serviced_hours: list[int],
) -> None:
    since = now - timedelta(days=age_days)
    completed = [CompletedService(i + 1, now - timedelta(hours=h)) for i, h in enumerate(ages)]
    serviced = [now - timedelta(hours=h) for h in serviced_hours]
    decision = decide_occasion(now, zone, since, completed, serviced)

    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    welcome = not completed and age_days <= 14
    recent = [c for c in completed if now - c.completed_at <= timedelta(days=7)]
    first = min(completed, key=lambda c: (c.completed_at, c.job_id)) if completed else None
    years = (
        _is_anniversary_window(today, first.completed_at.astimezone(tz).date()) if first else None
    )
    services = [c.completed_at for c in completed] + serviced
    seasonal = today.month in SEASONAL_MONTHS and all(
        now - s > timedelta(days=150) for s in services
    )

    if welcome:
        assert decision.occasion is Occasion.NEW_CUSTOMER_WELCOME
    elif recent:
        assert decision.occasion is Occasion.THANK_YOU
        latest = max(recent, key=lambda c: (c.completed_at, c.job_id))
        assert decision.job_id == latest.job_id
    elif years is not None:
        assert decision.occasion is Occasion.SERVICE_ANNIVERSARY
        assert decision.years == years and first is not None and decision.job_id == first.job_id
    elif seasonal:
        assert decision.occasion is Occasion.SEASONAL_MAINTENANCE
    else:
        assert decision.occasion is Occasion.NONE


# --- maintenance intervals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("appliance", "days"),
    [
        ("HVAC", 180),
        ("heat pump", 180),
        ("Refrigerator", 365),
        ("fridge", 365),
        ("washing machine", 365),
        ("Dryer", 365),
        ("dishwasher", 365),
        ("tankless water heater", 365),
        ("oven", 730),
        ("espresso machine", 365),
    ],
)
def test_service_interval_per_kind(appliance: str, days: int) -> None:
    assert service_interval_days(appliance) == days


def test_old_appliances_are_serviced_sooner() -> None:
    assert service_interval_days("hvac", age_years=12) == 135


def test_due_date_counts_from_the_last_service_else_the_installation() -> None:
    today = date(2024, 6, 1)
    serviced = estimate_due("hvac", date(2020, 1, 1), date(2024, 3, 1), today)
    assert serviced.due == date(2024, 8, 28) and serviced.confidence == 0.8
    assert not serviced.overdue
    installed = estimate_due("oven", date(2023, 1, 1), None, today)
    assert installed.due == date(2024, 12, 31) and installed.confidence == 0.6
    overdue = estimate_due("refrigerator", None, date(2022, 1, 1), today)
    assert overdue.overdue and "overdue" in overdue.reason
    unknown = estimate_due("dryer", None, None, today)
    assert unknown.due == today and unknown.confidence == 0.3


def test_plausible_dates_stay_near_the_estimate() -> None:
    estimate = estimate_due("hvac", None, date(2024, 3, 1), date(2024, 6, 1))
    assert estimate.plausible(estimate.due)
    assert not estimate.plausible(date(2024, 2, 1))  # before the last service
    assert not estimate.plausible(date(2030, 1, 1))


# --- technician candidates -------------------------------------------------------------------

TECHS = [
    TechnicianProfile(1, "Fridge Fran", ("fridges",)),
    TechnicianProfile(2, "Busy Bo", ("refrigerator", "hvac")),
    TechnicianProfile(3, "Hvac Hal", ("hvac",)),
    TechnicianProfile(4, "Retired Rita", ("refrigerator",), active=False),
]


def test_candidates_are_active_and_skilled() -> None:
    candidates = match_candidates(TECHS, "Refrigerator")
    assert [c.technician_id for c in candidates] == [1, 2]
    assert candidates[0].matched_skill == "fridges"


def test_workload_ratings_and_preference_move_the_base_score() -> None:
    plain = match_candidates(TECHS, "refrigerator", open_jobs={1: 3})
    assert [c.technician_id for c in plain] == [2, 1]  # fewer open jobs first
    rated = match_candidates(TECHS, "refrigerator", ratings={1: [5, 5]}, open_jobs={1: 3})
    assert rated[0].technician_id == 1 and rated[0].average_rating == 5
    preferred = match_candidates(TECHS, "refrigerator", preferred_technician_id=3)
    assert {c.technician_id for c in preferred} == {1, 2, 3}
    assert next(c for c in preferred if c.technician_id == 3).preferred


def test_without_anyone_skilled_every_active_technician_is_a_candidate() -> None:
    candidates = match_candidates(TECHS, "pool pump")
    assert {c.technician_id for c in candidates} == {1, 2, 3}
    assert all(c.matched_skill is None for c in candidates)


def test_base_scores_stay_within_zero_and_one() -> None:
    for c in match_candidates(
        TECHS, "hvac", preferred_technician_id=3, ratings={3: [5], 2: [1]}, open_jobs={2: 0}
    ):
        assert 0 <= c.score <= 1


# --- appliance kinds and channels ---------------------------------------------------------------


def test_appliance_kinds() -> None:
    assert appliance_kind("Fridges") == "refrigerator"
    assert appliance_kind("Dishwashers") == "dishwasher"  # not "washer"
    assert appliance_kind("AC unit") == "hvac"
    assert appliance_kind("Pool Pumps") == "pool pump"


def test_the_channel_is_the_preferred_one_and_reachable() -> None:
    phone_only = {ContactMethod.PHONE, ContactMethod.SMS, ContactMethod.WHATSAPP}
    free = ContactPreferences()
    assert free.channel_for(ContactMethod.SMS, phone_only) is ContactMethod.SMS
    assert free.channel_for(ContactMethod.EMAIL, phone_only) in phone_only
    assert free.channel_for(ContactMethod.EMAIL, set()) is None
    email = ContactPreferences(method=ContactMethod.EMAIL)
    assert email.channel_for(ContactMethod.PHONE, {ContactMethod.EMAIL}) is ContactMethod.EMAIL
    assert email.channel_for(ContactMethod.PHONE, phone_only) is None
