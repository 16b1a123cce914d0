"""Settings read from the environment, with a clear error naming any bad variable."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from domain.contact_preferences import QuietHours

T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./fieldcrm.db"


class SettingsError(ValueError):
    """An environment variable holds a value fieldcrm cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"environment variable {variable}: {problem}")


def _int(variable: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(variable, f"must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(variable, f"must be between {low} and {high}, got {value}")
    return value


def _bool(variable: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(variable, f"must be true or false, got {raw!r}")


def _decimal(variable: str, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise SettingsError(variable, f"must be a decimal number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise SettingsError(variable, f"must be a non-negative number, got {raw!r}")
    return value


def _get(env: Mapping[str, str], variable: str, default: str, parse: Callable[[str], T]) -> T:
    raw = env.get(variable)
    return parse(default if raw is None or raw == "" else raw)


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """The LLM provider: OpenAI-compatible when an API key or base URL is set, else offline."""

    api_key: str | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout_seconds: int = 20
    max_retries: int = 2
    cache_ttl_seconds: int = 86_400
    price_prompt_per_1k: Decimal = Decimal(0)
    price_completion_per_1k: Decimal = Decimal(0)
    fallback_offline: bool = False
    rate_limit_per_minute: int = 20

    @property
    def online(self) -> bool:
        return bool(self.api_key or self.base_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LlmSettings:
        base_url = (env.get("OPENAI_BASE_URL") or "").strip() or None
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise SettingsError("OPENAI_BASE_URL", "must be an http:// or https:// URL")
        fallback = _get(env, "LLM_FALLBACK", "error", str.strip)
        if fallback not in ("error", "offline"):
            raise SettingsError("LLM_FALLBACK", "must be error or offline")
        return cls(
            api_key=(env.get("OPENAI_API_KEY") or "").strip() or None,
            base_url=base_url,
            model=_get(env, "LLM_MODEL", "gpt-4o-mini", str.strip),
            timeout_seconds=_get(
                env, "LLM_TIMEOUT_SECONDS", "20", lambda r: _int("LLM_TIMEOUT_SECONDS", r, 1, 300)
            ),
            max_retries=_get(
                env, "LLM_MAX_RETRIES", "2", lambda r: _int("LLM_MAX_RETRIES", r, 0, 10)
            ),
            cache_ttl_seconds=_get(
                env,
                "LLM_CACHE_TTL_SECONDS",
                "86400",
                lambda r: _int("LLM_CACHE_TTL_SECONDS", r, 1, 30 * 86_400),
            ),
            price_prompt_per_1k=_get(
                env,
                "LLM_PRICE_PROMPT_PER_1K",
                "0",
                lambda r: _decimal("LLM_PRICE_PROMPT_PER_1K", r),
            ),
            price_completion_per_1k=_get(
                env,
                "LLM_PRICE_COMPLETION_PER_1K",
                "0",
                lambda r: _decimal("LLM_PRICE_COMPLETION_PER_1K", r),
            ),
            fallback_offline=fallback == "offline",
            rate_limit_per_minute=_get(
                env,
                "LLM_RATE_LIMIT_PER_MINUTE",
                "20",
                lambda r: _int("LLM_RATE_LIMIT_PER_MINUTE", r, 1, 10_000),
            ),
        )


def _cron(variable: str, raw: str, zone_name: str) -> str:
    from entrypoints.workers.schedule import ScheduleError, parse_cron, time_zone

    try:
        parse_cron(raw, time_zone(zone_name))
    except ScheduleError as exc:
        raise SettingsError(variable, str(exc)) from None
    return " ".join(raw.split())


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """When the periodic jobs run: cron strings read in `timezone` (see docs/operations.md)."""

    timezone: str = "UTC"
    dispatch: str = "* * * * *"
    reconcile: str = "*/5 * * * *"
    follow_ups: str = "0 7 * * *"
    maintenance: str = "30 7 * * *"
    surveys: str = "*/15 * * * *"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ScheduleSettings:
        from entrypoints.workers.schedule import ScheduleError, time_zone

        zone = _get(env, "SCHEDULE_TIMEZONE", "UTC", str.strip)
        try:
            time_zone(zone)
        except ScheduleError as exc:
            raise SettingsError("SCHEDULE_TIMEZONE", str(exc)) from None
        defaults = cls()

        def cron(variable: str, default: str) -> str:
            return _get(env, variable, default, lambda r: _cron(variable, r, zone))

        return cls(
            timezone=zone,
            dispatch=cron("SCHEDULE_DISPATCH", defaults.dispatch),
            reconcile=cron("SCHEDULE_RECONCILE", defaults.reconcile),
            follow_ups=cron("SCHEDULE_FOLLOW_UPS", defaults.follow_ups),
            maintenance=cron("SCHEDULE_MAINTENANCE", defaults.maintenance),
            surveys=cron("SCHEDULE_SURVEYS", defaults.surveys),
        )


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """Dramatiq workers on Redis (`fieldcrm worker`); see docs/operations.md."""

    threads: int = 4
    heartbeat_timeout_seconds: int = 60
    requeue_check_per_million: int = 1000
    redis_namespace: str = "fieldcrm"
    stale_sending_seconds: int = 600

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WorkerSettings:
        namespace = _get(env, "WORKER_REDIS_NAMESPACE", "fieldcrm", str.strip)
        if not namespace.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise SettingsError(
                "WORKER_REDIS_NAMESPACE", "must be letters, digits, '-', '_' or '.'"
            )
        return cls(
            threads=_get(env, "WORKER_THREADS", "4", lambda r: _int("WORKER_THREADS", r, 1, 64)),
            heartbeat_timeout_seconds=_get(
                env,
                "WORKER_HEARTBEAT_TIMEOUT_SECONDS",
                "60",
                lambda r: _int("WORKER_HEARTBEAT_TIMEOUT_SECONDS", r, 2, 3600),
            ),
            requeue_check_per_million=_get(
                env,
                "WORKER_REQUEUE_CHECK_PER_MILLION",
                "1000",
                lambda r: _int("WORKER_REQUEUE_CHECK_PER_MILLION", r, 1, 1_000_000),
            ),
            redis_namespace=namespace[:100],
            stale_sending_seconds=_get(
                env,
                "WORKER_STALE_SENDING_SECONDS",
                "600",
                lambda r: _int("WORKER_STALE_SENDING_SECONDS", r, 1, 86_400),
            ),
        )


def _quiet_hours(raw: str) -> QuietHours:
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


@dataclass(frozen=True, slots=True)
class EngagementSettings:
    """The periodic engagement passes (see docs/configuration.md)."""

    maintenance_horizon_days: int = 14
    survey_delay_days: int = 3
    survey_delay_minutes: int | None = None  # overrides the days: for demos and tests

    @property
    def maintenance_horizon(self) -> timedelta:
        return timedelta(days=self.maintenance_horizon_days)

    @property
    def survey_delay(self) -> timedelta:
        if self.survey_delay_minutes is not None:
            return timedelta(minutes=self.survey_delay_minutes)
        return timedelta(days=self.survey_delay_days)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EngagementSettings:
        minutes = (env.get("SURVEY_DELAY_MINUTES") or "").strip()
        return cls(
            maintenance_horizon_days=_get(
                env,
                "MAINTENANCE_HORIZON_DAYS",
                "14",
                lambda r: _int("MAINTENANCE_HORIZON_DAYS", r, 1, 365),
            ),
            survey_delay_days=_get(
                env, "SURVEY_DELAY_DAYS", "3", lambda r: _int("SURVEY_DELAY_DAYS", r, 0, 60)
            ),
            survey_delay_minutes=_int("SURVEY_DELAY_MINUTES", minutes, 0, 60 * 24 * 60)
            if minutes
            else None,
        )


E164_NUMBER = re.compile(r"^\+[1-9][0-9]{6,14}$")
EMAIL_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _text(env: Mapping[str, str], variable: str) -> str | None:
    return (env.get(variable) or "").strip() or None


def _timeout(env: Mapping[str, str], variable: str) -> int:
    """A provider call's timeout in seconds: 10 by default, 1-120."""
    return _get(env, variable, "10", lambda r: _int(variable, r, 1, 120))


def _number(variable: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    number = raw.removeprefix("whatsapp:").strip()
    if not E164_NUMBER.match(number):
        raise SettingsError(variable, "must be an E.164 phone number such as +14155550123")
    return number


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    """SMS and WhatsApp through Twilio; unset (None) unless the account SID and token are."""

    account_sid: str
    auth_token: str = field(repr=False)
    public_base_url: str  # where Twilio reaches our webhooks (signatures are checked on it)
    messaging_service_sid: str | None = None
    from_number: str | None = None
    whatsapp_from: str | None = None
    whatsapp_template_sid: str | None = None
    timeout_seconds: int = 10

    @property
    def status_callback_url(self) -> str:
        return self.public_base_url + "/webhooks/twilio/status"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TwilioSettings | None:
        sid, token = _text(env, "TWILIO_ACCOUNT_SID"), _text(env, "TWILIO_AUTH_TOKEN")
        if sid is None and token is None:
            return None
        if sid is None:
            raise SettingsError("TWILIO_ACCOUNT_SID", "is required when TWILIO_AUTH_TOKEN is set")
        if token is None:
            raise SettingsError("TWILIO_AUTH_TOKEN", "is required when TWILIO_ACCOUNT_SID is set")
        if not sid.startswith("AC"):
            raise SettingsError("TWILIO_ACCOUNT_SID", "must be an account SID starting with AC")
        service = _text(env, "TWILIO_MESSAGING_SERVICE_SID")
        if service is not None and not service.startswith("MG"):
            raise SettingsError(
                "TWILIO_MESSAGING_SERVICE_SID", "must be a messaging service SID starting with MG"
            )
        from_number = _number("TWILIO_FROM_NUMBER", _text(env, "TWILIO_FROM_NUMBER"))
        whatsapp = _number("TWILIO_WHATSAPP_FROM", _text(env, "TWILIO_WHATSAPP_FROM"))
        if service is None and from_number is None and whatsapp is None:
            raise SettingsError(
                "TWILIO_MESSAGING_SERVICE_SID",
                "set it or TWILIO_FROM_NUMBER (or TWILIO_WHATSAPP_FROM) to send through Twilio",
            )
        template = _text(env, "TWILIO_WHATSAPP_TEMPLATE_SID")
        if template is not None and not template.startswith("HX"):
            raise SettingsError(
                "TWILIO_WHATSAPP_TEMPLATE_SID", "must be a content template SID starting with HX"
            )
        base = _text(env, "PUBLIC_BASE_URL")
        if base is None:
            raise SettingsError(
                "PUBLIC_BASE_URL",
                "is required with Twilio: status callbacks and webhook signatures use it",
            )
        if not base.startswith(("https://", "http://")):
            raise SettingsError("PUBLIC_BASE_URL", "must be an http:// or https:// URL")
        return cls(
            account_sid=sid,
            auth_token=token,
            public_base_url=base.rstrip("/"),
            messaging_service_sid=service,
            from_number=from_number,
            whatsapp_from=whatsapp,
            whatsapp_template_sid=template,
            timeout_seconds=_timeout(env, "TWILIO_TIMEOUT_SECONDS"),
        )


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Email through an SMTP server; unset (None) unless SMTP_HOST is."""

    host: str
    from_address: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    timeout_seconds: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        host = _text(env, "SMTP_HOST")
        if host is None:
            return None
        sender = _text(env, "SMTP_FROM")
        if sender is None:
            raise SettingsError("SMTP_FROM", "is required when SMTP_HOST is set")
        if not EMAIL_ADDRESS.match(sender.rsplit("<", 1)[-1].rstrip(">").strip()):
            raise SettingsError("SMTP_FROM", "must be an email address (optionally Name <addr>)")
        username, password = _text(env, "SMTP_USERNAME"), env.get("SMTP_PASSWORD") or None
        if (username is None) != (password is None):
            raise SettingsError(
                "SMTP_PASSWORD" if password is None else "SMTP_USERNAME",
                "SMTP_USERNAME and SMTP_PASSWORD go together",
            )
        return cls(
            host=host,
            from_address=sender,
            port=_get(env, "SMTP_PORT", "587", lambda r: _int("SMTP_PORT", r, 1, 65535)),
            username=username,
            password=password,
            starttls=_get(env, "SMTP_STARTTLS", "true", lambda r: _bool("SMTP_STARTTLS", r)),
            timeout_seconds=_timeout(env, "SMTP_TIMEOUT_SECONDS"),
        )


@dataclass(frozen=True, slots=True)
class MessagingSettings:
    """How messages leave: Twilio and/or SMTP when configured, else the console sender."""

    twilio: TwilioSettings | None = None
    smtp: SmtpSettings | None = None
    max_attempts: int = 5

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MessagingSettings:
        return cls(
            twilio=TwilioSettings.from_env(env),
            smtp=SmtpSettings.from_env(env),
            max_attempts=_get(
                env, "MESSAGE_MAX_ATTEMPTS", "5", lambda r: _int("MESSAGE_MAX_ATTEMPTS", r, 1, 20)
            ),
        )


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Resource and abuse limits of the HTTP API (see docs/configuration.md)."""

    max_body_bytes: int = 1024 * 1024
    login_window_seconds: int = 900
    login_failures_per_username: int = 5
    login_failures_per_address: int = 50
    message_rate_limit_per_minute: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LimitSettings:
        def number(variable: str, default: int, low: int, high: int) -> int:
            return _get(env, variable, str(default), lambda r: _int(variable, r, low, high))

        d = cls()
        return cls(
            max_body_bytes=number("MAX_BODY_BYTES", d.max_body_bytes, 1024, 100 * 1024 * 1024),
            login_window_seconds=number("LOGIN_WINDOW_SECONDS", d.login_window_seconds, 1, 86_400),
            login_failures_per_username=number(
                "LOGIN_FAILURES_PER_USERNAME", d.login_failures_per_username, 1, 1000
            ),
            login_failures_per_address=number(
                "LOGIN_FAILURES_PER_ADDRESS", d.login_failures_per_address, 1, 100_000
            ),
            message_rate_limit_per_minute=number(
                "MESSAGE_RATE_LIMIT_PER_MINUTE", d.message_rate_limit_per_minute, 1, 10_000
            ),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str | None = None
    # Still accepted (never used to sign) while tokens signed before a rotation expire.
    jwt_secret_previous: str | None = None
    jwt_expiry_minutes: int = 60
    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    sql_echo: bool = False
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    customer_view_cap: int = 100
    auth_user_cache_seconds: int = 5
    default_currency: str = "USD"
    shop_name: str = "the shop"
    redis_url: str | None = None
    redis_timeout_seconds: int = 1
    database_connect_timeout_seconds: int = 10
    database_statement_timeout_seconds: int = 30
    limits: LimitSettings = field(default_factory=LimitSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    workers: WorkerSettings = field(default_factory=WorkerSettings)
    engagement: EngagementSettings = field(default_factory=EngagementSettings)
    # When any customer may be contacted, in their local time (outbox and engagement).
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    messaging: MessagingSettings = field(default_factory=MessagingSettings)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        environment = _get(env, "FIELDCRM_ENV", "development", str.strip)
        if environment not in ("development", "test", "production"):
            raise SettingsError("FIELDCRM_ENV", "must be development, test or production")
        secret = env.get("JWT_SECRET") or None
        if secret is not None and len(secret) < 32:
            raise SettingsError("JWT_SECRET", "must be at least 32 characters")
        if secret is None and environment == "production":
            raise SettingsError("JWT_SECRET", "is required when FIELDCRM_ENV=production")
        previous = env.get("JWT_SECRET_PREVIOUS") or None
        if previous is not None and len(previous) < 32:
            raise SettingsError("JWT_SECRET_PREVIOUS", "must be at least 32 characters")
        if previous is not None and secret is None:
            raise SettingsError("JWT_SECRET_PREVIOUS", "needs JWT_SECRET (the new secret) too")
        database_url = _get(env, "DATABASE_URL", DEFAULT_DATABASE_URL, str.strip)
        if not database_url.startswith(("sqlite", "postgresql", "postgres")):
            raise SettingsError("DATABASE_URL", "must be a sqlite:// or postgresql:// URL")
        log_level = _get(env, "LOG_LEVEL", "INFO", str.upper)
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError("LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
        origins = tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip())
        currency = _get(env, "DEFAULT_CURRENCY", "USD", str.strip).upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise SettingsError("DEFAULT_CURRENCY", "must be a three-letter ISO 4217 code")
        redis_url = (env.get("REDIS_URL") or "").strip() or None
        if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")
        return cls(
            database_url=database_url,
            shop_name=_get(env, "SHOP_NAME", "the shop", str.strip)[:100],
            redis_url=redis_url,
            redis_timeout_seconds=_get(
                env, "REDIS_TIMEOUT_SECONDS", "1", lambda r: _int("REDIS_TIMEOUT_SECONDS", r, 1, 30)
            ),
            database_connect_timeout_seconds=_get(
                env,
                "DATABASE_CONNECT_TIMEOUT_SECONDS",
                "10",
                lambda r: _int("DATABASE_CONNECT_TIMEOUT_SECONDS", r, 1, 120),
            ),
            database_statement_timeout_seconds=_get(
                env,
                "DATABASE_STATEMENT_TIMEOUT_SECONDS",
                "30",
                lambda r: _int("DATABASE_STATEMENT_TIMEOUT_SECONDS", r, 1, 3600),
            ),
            limits=LimitSettings.from_env(env),
            llm=LlmSettings.from_env(env),
            schedule=ScheduleSettings.from_env(env),
            workers=WorkerSettings.from_env(env),
            engagement=EngagementSettings.from_env(env),
            quiet_hours=_get(env, "QUIET_HOURS", "08:00-21:00", _quiet_hours),
            messaging=MessagingSettings.from_env(env),
            auth_user_cache_seconds=_get(
                env,
                "AUTH_USER_CACHE_SECONDS",
                "5",
                lambda r: _int("AUTH_USER_CACHE_SECONDS", r, 0, 60),
            ),
            customer_view_cap=_get(
                env, "CUSTOMER_VIEW_CAP", "100", lambda r: _int("CUSTOMER_VIEW_CAP", r, 1, 1000)
            ),
            default_currency=currency,
            jwt_secret=secret,
            jwt_secret_previous=previous,
            jwt_expiry_minutes=_get(
                env, "JWT_EXPIRY_MINUTES", "60", lambda r: _int("JWT_EXPIRY_MINUTES", r, 1, 10080)
            ),
            environment=environment,
            host=_get(env, "HOST", "127.0.0.1", str.strip),
            port=_get(env, "PORT", "8000", lambda r: _int("PORT", r, 1, 65535)),
            log_level=log_level,
            sql_echo=_get(env, "SQL_ECHO", "false", lambda r: _bool("SQL_ECHO", r)),
            cors_origins=origins,
        )
