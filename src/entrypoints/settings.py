"""Settings read from the environment, with a clear error naming any bad variable."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

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
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str | None = None
    jwt_expiry_minutes: int = 60
    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    sql_echo: bool = False
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    customer_view_cap: int = 100
    default_currency: str = "USD"
    shop_name: str = "the shop"
    redis_url: str | None = None
    llm: LlmSettings = field(default_factory=LlmSettings)

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
            llm=LlmSettings.from_env(env),
            customer_view_cap=_get(
                env, "CUSTOMER_VIEW_CAP", "100", lambda r: _int("CUSTOMER_VIEW_CAP", r, 1, 1000)
            ),
            default_currency=currency,
            jwt_secret=secret,
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
