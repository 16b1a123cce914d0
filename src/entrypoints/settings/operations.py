"""Limits of the HTTP API, the workers, the periodic schedule and the engagement passes."""

from __future__ import annotations

from datetime import timedelta

from pydantic import field_validator, model_validator

from entrypoints.settings.errors import SettingsError
from entrypoints.settings.fields import SettingsGroup, env


class LimitSettings(SettingsGroup):
    """Resource and abuse limits of the HTTP API (see docs/configuration.md)."""

    max_body_bytes: int = env("MAX_BODY_BYTES", 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    login_window_seconds: int = env("LOGIN_WINDOW_SECONDS", 900, ge=1, le=86_400)
    login_failures_per_username: int = env("LOGIN_FAILURES_PER_USERNAME", 5, ge=1, le=1000)
    login_failures_per_address: int = env("LOGIN_FAILURES_PER_ADDRESS", 50, ge=1, le=100_000)
    message_rate_limit_per_minute: int = env("MESSAGE_RATE_LIMIT_PER_MINUTE", 30, ge=1, le=10_000)


class WorkerSettings(SettingsGroup):
    """Dramatiq workers on Redis (`fieldcrm worker`); see docs/operations.md."""

    threads: int = env("WORKER_THREADS", 4, ge=1, le=64)
    heartbeat_timeout_seconds: int = env("WORKER_HEARTBEAT_TIMEOUT_SECONDS", 60, ge=2, le=3600)
    requeue_check_per_million: int = env(
        "WORKER_REQUEUE_CHECK_PER_MILLION", 1000, ge=1, le=1_000_000
    )
    redis_namespace: str = env("WORKER_REDIS_NAMESPACE", "fieldcrm")
    # A SENDING message older than this is settled by the reconciler: more than the
    # longest send (provider timeout + waiting for the sender's rate limit).
    stale_sending_seconds: int = env("WORKER_STALE_SENDING_SECONDS", 60, ge=1, le=86_400)
    dispatch_batch_size: int = env("DISPATCH_BATCH_SIZE", 200, ge=1, le=10_000)
    dispatch_concurrency: int = env("DISPATCH_CONCURRENCY", 8, ge=1, le=100)
    # A dispatch run goes on with the next batch while batches come back full, this long.
    dispatch_run_seconds: int = env("DISPATCH_RUN_SECONDS", 50, ge=0, le=3600)
    # A known outcome is retried into the database this long (an outage, a failover).
    write_back_seconds: int = env("OUTBOX_WRITE_BACK_SECONDS", 90, ge=0, le=3600)

    @field_validator("redis_namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if not value.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ValueError("must be letters, digits, '-', '_' or '.'")
        return value[:100]


#: The schedule's fields and their variables, checked against SCHEDULE_TIMEZONE.
_CRONS = {
    "dispatch": "SCHEDULE_DISPATCH",
    "reconcile": "SCHEDULE_RECONCILE",
    "follow_ups": "SCHEDULE_FOLLOW_UPS",
    "maintenance": "SCHEDULE_MAINTENANCE",
    "surveys": "SCHEDULE_SURVEYS",
    "prune_generations": "SCHEDULE_PRUNE_GENERATIONS",
    "prune": "SCHEDULE_PRUNE",
    "backup": "SCHEDULE_BACKUP",
}


class ScheduleSettings(SettingsGroup):
    """When the periodic jobs run: cron strings read in `timezone` (see docs/operations.md)."""

    timezone: str = env("SCHEDULE_TIMEZONE", "UTC")
    dispatch: str = env(_CRONS["dispatch"], "* * * * *")
    reconcile: str = env(_CRONS["reconcile"], "*/30 * * * * *")  # every 30 seconds
    follow_ups: str = env(_CRONS["follow_ups"], "0 7 * * *")
    maintenance: str = env(_CRONS["maintenance"], "30 7 * * *")
    surveys: str = env(_CRONS["surveys"], "*/15 * * * *")
    prune_generations: str = env(_CRONS["prune_generations"], "15 3 * * *")
    prune: str = env(_CRONS["prune"], "45 3 * * *")
    backup: str = env(_CRONS["backup"], "0 3 * * *")

    @field_validator(*_CRONS)
    @classmethod
    def _one_space(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _parses(self) -> ScheduleSettings:
        from entrypoints.workers.schedule import ScheduleError, parse_cron, time_zone

        try:
            zone = time_zone(self.timezone)
        except ScheduleError as exc:
            raise SettingsError("SCHEDULE_TIMEZONE", str(exc)) from None
        for name, variable in _CRONS.items():
            try:
                parse_cron(getattr(self, name), zone)
            except ScheduleError as exc:
                raise SettingsError(variable, str(exc)) from None
        return self


class RetentionSettings(SettingsGroup):
    """How long records are kept by the daily pruning pass (0: forever)."""

    scheduler_runs_days: int = env("RETENTION_SCHEDULER_RUNS_DAYS", 30, ge=0, le=36_500)
    # Longer than a provider retries a webhook: a repeat older than this is not recognised.
    webhook_events_days: int = env("RETENTION_WEBHOOK_EVENTS_DAYS", 30, ge=0, le=36_500)
    message_bodies_days: int = env("RETENTION_MESSAGE_BODIES_DAYS", 365, ge=0, le=36_500)
    audit_entries_days: int = env("RETENTION_AUDIT_ENTRIES_DAYS", 0, ge=0, le=36_500)


class BackupSettings(SettingsGroup):
    """Scheduled copies of a SQLite database (SCHEDULE_BACKUP; docs/operations.md, Backups)."""

    # Unset: no scheduled backups. SQLite only (PostgreSQL: pg_dump).
    directory: str | None = env("BACKUP_DIR", None)
    keep: int = env("BACKUP_KEEP", 7, ge=1, le=3650)


class EngagementSettings(SettingsGroup):
    """The periodic engagement passes (see docs/configuration.md)."""

    maintenance_horizon_days: int = env("MAINTENANCE_HORIZON_DAYS", 14, ge=1, le=365)
    survey_delay_days: int = env("SURVEY_DELAY_DAYS", 3, ge=0, le=60)
    # Overrides the days: for demos and tests.
    survey_delay_minutes: int | None = env("SURVEY_DELAY_MINUTES", None, ge=0, le=60 * 24 * 60)

    @property
    def maintenance_horizon(self) -> timedelta:
        return timedelta(days=self.maintenance_horizon_days)

    @property
    def survey_delay(self) -> timedelta:
        if self.survey_delay_minutes is not None:
            return timedelta(minutes=self.survey_delay_minutes)
        return timedelta(days=self.survey_delay_days)
