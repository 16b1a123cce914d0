"""Settings of the engagement passes and the quiet hours, and the context the container
builds from them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from domain.contact_preferences import QuietHours
from entrypoints.container import build_container
from entrypoints.settings import EngagementSettings, Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.engagement == EngagementSettings()
    assert settings.engagement.maintenance_horizon == timedelta(days=14)
    assert settings.engagement.survey_delay == timedelta(days=3)
    assert settings.quiet_hours == QuietHours(time(8), time(21))


def test_values_are_read_and_minutes_override_days_for_demos() -> None:
    env = {
        "MAINTENANCE_HORIZON_DAYS": "30",
        "SURVEY_DELAY_DAYS": "5",
        "SURVEY_DELAY_MINUTES": " 2 ",
        "QUIET_HOURS": "07:30 - 20:00",
    }
    settings = Settings.from_env(env)
    assert settings.engagement.maintenance_horizon == timedelta(days=30)
    assert settings.engagement.survey_delay == timedelta(minutes=2)
    assert settings.quiet_hours == QuietHours(time(7, 30), time(20))
    assert Settings.from_env({"SURVEY_DELAY_DAYS": "0"}).engagement.survey_delay == timedelta(0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAINTENANCE_HORIZON_DAYS", "0"),
        ("MAINTENANCE_HORIZON_DAYS", "366"),
        ("MAINTENANCE_HORIZON_DAYS", "two weeks"),
        ("SURVEY_DELAY_DAYS", "-1"),
        ("SURVEY_DELAY_DAYS", "61"),
        ("SURVEY_DELAY_MINUTES", "1.5"),
        ("SURVEY_DELAY_MINUTES", "86401"),
        ("QUIET_HOURS", "8-21"),
        ("QUIET_HOURS", "21:00-08:00"),
        ("QUIET_HOURS", "08:00-08:00"),
        ("QUIET_HOURS", "08:00-21:00+02:00"),
        ("QUIET_HOURS", "08:00"),
    ],
)
def test_bad_values_name_their_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: value})
    assert refused.value.variable == variable


def test_the_container_builds_the_engagement_context_from_settings() -> None:
    settings = Settings.from_env(
        {"MAINTENANCE_HORIZON_DAYS": "7", "SURVEY_DELAY_MINUTES": "1", "QUIET_HOURS": "09:00-17:00"}
    )
    ctx = build_container(settings).engagement_context()
    assert ctx.maintenance_horizon == timedelta(days=7)
    assert ctx.survey_delay == timedelta(minutes=1)
    assert ctx.quiet_hours == QuietHours(time(9), time(17))
    assert ctx.insights.shop_name == settings.shop_name
