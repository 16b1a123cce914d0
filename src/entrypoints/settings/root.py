"""All of fieldcrm's settings: the top-level variables and the groups."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from adapters.sqlalchemy.engine import DEFAULT_POOL_SIZE
from adapters.sqlalchemy.sqlite_backup import BackupRefused, sqlite_database_file
from domain.contact_preferences import QuietHours
from entrypoints.settings.errors import SettingsError
from entrypoints.settings.fields import SettingsGroup, env
from entrypoints.settings.llm import LlmSettings
from entrypoints.settings.messaging import MessagingSettings
from entrypoints.settings.observability import ObservabilitySettings
from entrypoints.settings.operations import (
    BackupSettings,
    EngagementSettings,
    LimitSettings,
    RetentionSettings,
    ScheduleSettings,
    WorkerSettings,
)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./fieldcrm.db"
# Allowed in development when CORS_ORIGINS is unset: the Vite dev server of the Vue app.
DEVELOPMENT_CORS_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")


class Settings(SettingsGroup):
    """Built in code by field name, or from the environment by `Settings.from_env()`."""

    database_url: str = env("DATABASE_URL", DEFAULT_DATABASE_URL)
    jwt_secret: SecretStr | None = env("JWT_SECRET", None, min_length=32)
    # Still accepted (never used to sign) while tokens signed before a rotation expire.
    jwt_secret_previous: SecretStr | None = env("JWT_SECRET_PREVIOUS", None, min_length=32)
    # Access tokens are short-lived; the refresh token (REFRESH_TOKEN_DAYS) keeps one signed in.
    jwt_expiry_minutes: int = env("JWT_EXPIRY_MINUTES", 15, ge=1, le=10080)
    refresh_token_days: int = env("REFRESH_TOKEN_DAYS", 30, ge=1, le=365)
    environment: Literal["development", "test", "production"] = env("FIELDCRM_ENV", "development")
    host: str = env("HOST", "127.0.0.1")
    port: int = env("PORT", 8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = env("LOG_LEVEL", "INFO")
    sql_echo: bool = env("SQL_ECHO", False)
    cors_origins: tuple[str, ...] = env("CORS_ORIGINS", ())
    # The built reference page served at /app/ (default: web/dist of this checkout).
    web_dist_dir: Path | None = env("WEB_DIST_DIR", None)
    customer_view_cap: int = env("CUSTOMER_VIEW_CAP", 100, ge=1, le=1000)
    auth_user_cache_seconds: int = env("AUTH_USER_CACHE_SECONDS", 5, ge=0, le=60)
    default_currency: str = env("DEFAULT_CURRENCY", "USD")
    shop_name: str = env("SHOP_NAME", "the shop")
    redis_url: str | None = env("REDIS_URL", None)
    # Without REDIS_URL: one HTTP process per host runs the scheduler and a worker thread.
    embedded_workers: bool = env("EMBEDDED_WORKERS", True)
    redis_timeout_seconds: int = env("REDIS_TIMEOUT_SECONDS", 1, ge=1, le=30)
    database_connect_timeout_seconds: int = env(
        "DATABASE_CONNECT_TIMEOUT_SECONDS", 10, ge=1, le=120
    )
    database_statement_timeout_seconds: int = env(
        "DATABASE_STATEMENT_TIMEOUT_SECONDS", 30, ge=1, le=3600
    )
    database_pool_size: int = env("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, ge=1, le=200)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    workers: WorkerSettings = Field(default_factory=WorkerSettings)
    engagement: EngagementSettings = Field(default_factory=EngagementSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    # When any customer may be contacted, in their local time (outbox and engagement).
    quiet_hours: QuietHours = Field(default_factory=QuietHours, validation_alias="QUIET_HOURS")
    messaging: MessagingSettings = Field(default_factory=MessagingSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """CORS_ORIGINS; unset in development: the Vite dev server's origins."""
        if self.cors_origins or self.environment != "development":
            return self.cors_origins
        return DEVELOPMENT_CORS_ORIGINS

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        env_file: str | PathLike[str] | None = None,
    ) -> Settings:
        """The settings from `env` (default: this process's environment over `./.env`)."""
        from entrypoints.settings.environment import read_settings

        return read_settings(cls, env, env_file)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha() or not value.isascii():
            raise ValueError("must be a three-letter ISO 4217 code")
        return value.upper()

    @field_validator("shop_name")
    @classmethod
    def _short(cls, value: str) -> str:
        return value[:100]

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet_hours(cls, value: Any) -> Any:
        return _parse_quiet_hours(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _backup(self) -> Settings:
        directory = self.backup.directory
        if directory is None:
            return self
        try:
            sqlite_database_file(self.database_url)
        except BackupRefused as exc:
            raise SettingsError(
                "BACKUP_DIR", f"scheduled backups copy a SQLite file: {exc}"
            ) from None
        if not Path(directory).is_dir():
            raise SettingsError("BACKUP_DIR", f"{directory} is not a directory")
        return self

    @model_validator(mode="after")
    def _jwt(self) -> Settings:
        if self.jwt_secret_previous is not None and self.jwt_secret is None:
            raise SettingsError("JWT_SECRET_PREVIOUS", "needs JWT_SECRET (the new secret) too")
        return self


def _parse_quiet_hours(raw: str) -> QuietHours:
    """`HH:MM-HH:MM`, local time of each customer; the window must not cross midnight."""
    try:
        start_text, end_text = raw.strip().split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise SettingsError("QUIET_HOURS", f"must look like 08:00-21:00, got {raw!r}") from None
    if start.tzinfo is not None or end.tzinfo is not None:
        raise SettingsError("QUIET_HOURS", "local times only, without an offset")
    if start >= end:
        raise SettingsError("QUIET_HOURS", "the allowed window must start before it ends")
    return QuietHours(start, end)
