"""The LLM provider's settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import SecretStr, field_validator

from domain.messaging.message import Purpose
from entrypoints.settings.fields import SettingsGroup, env


class LlmSettings(SettingsGroup):
    """The LLM provider: OpenAI-compatible when an API key or base URL is set, else offline."""

    api_key: SecretStr | None = env("OPENAI_API_KEY", None)
    base_url: str | None = env("OPENAI_BASE_URL", None)
    model: str = env("LLM_MODEL", "gpt-4o-mini")
    timeout_seconds: int = env("LLM_TIMEOUT_SECONDS", 20, ge=1, le=300)
    max_retries: int = env("LLM_MAX_RETRIES", 2, ge=0, le=10)
    cache_ttl_seconds: int = env("LLM_CACHE_TTL_SECONDS", 86_400, ge=1, le=30 * 86_400)
    price_prompt_per_1k: Decimal = env("LLM_PRICE_PROMPT_PER_1K", Decimal(0), ge=0)
    price_completion_per_1k: Decimal = env("LLM_PRICE_COMPLETION_PER_1K", Decimal(0), ge=0)
    fallback: Literal["error", "offline"] = env("LLM_FALLBACK", "error")
    rate_limit_per_minute: int = env("LLM_RATE_LIMIT_PER_MINUTE", 20, ge=1, le=10_000)
    # Stored generations (GET /customers/{id}/insights) older than this are pruned.
    generation_retention_days: int = env("LLM_GENERATION_RETENTION_DAYS", 365, ge=1, le=3650)
    # Purposes whose AI-written messages skip PENDING_APPROVAL (none by default).
    auto_approve_purposes: tuple[Literal["TRANSACTIONAL", "MARKETING"], ...] = env(
        "AI_AUTO_APPROVE_PURPOSES", ()
    )

    @field_validator("auto_approve_purposes", mode="before")
    @classmethod
    def _purposes(cls, value: object) -> object:
        """A comma-separated list from the environment ("TRANSACTIONAL,MARKETING")."""
        if isinstance(value, str):
            return tuple(p.strip().upper() for p in value.split(",") if p.strip())
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def online(self) -> bool:
        return bool(self.api_key or self.base_url)

    @property
    def auto_approved(self) -> frozenset[Purpose]:
        return frozenset(Purpose(p) for p in self.auto_approve_purposes)

    @property
    def fallback_offline(self) -> bool:
        return self.fallback == "offline"
