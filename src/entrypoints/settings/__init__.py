"""fieldcrm's settings: declared with pydantic, read from the environment (and `.env`) with
pydantic-settings; a bad value raises SettingsError naming its variable."""

from entrypoints.settings.errors import SettingsError
from entrypoints.settings.llm import LlmSettings
from entrypoints.settings.messaging import MessagingSettings, SmtpSettings, TwilioSettings
from entrypoints.settings.operations import (
    EngagementSettings,
    LimitSettings,
    ScheduleSettings,
    WorkerSettings,
)
from entrypoints.settings.root import DEFAULT_DATABASE_URL, Settings

__all__ = [
    "DEFAULT_DATABASE_URL",
    "EngagementSettings",
    "LimitSettings",
    "LlmSettings",
    "MessagingSettings",
    "ScheduleSettings",
    "Settings",
    "SettingsError",
    "SmtpSettings",
    "TwilioSettings",
    "WorkerSettings",
]
