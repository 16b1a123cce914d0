"""LLM settings from the environment, and the adapters the container picks from them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.cache.memory import MemoryCache
from adapters.cache.redis_cache import RedisCache
from adapters.llm.offline_client import OfflineLlmClient
from adapters.llm.openai_client import OpenAiLlmClient
from entrypoints.container import build_container
from entrypoints.http.rate_limits import (
    LLM_RATE_LIMIT_STORE,
    LLM_REQUESTS_PER_MINUTE,
    LlmRateLimitMiddleware,
    llm_rate_limit,
)
from entrypoints.settings import LlmSettings, Settings, SettingsError


def test_defaults_are_offline_with_twenty_requests_a_minute() -> None:
    llm = Settings.from_env({}).llm
    assert llm == LlmSettings()
    assert llm.online is False and llm.rate_limit_per_minute == 20 == LLM_REQUESTS_PER_MINUTE
    assert (llm.timeout_seconds, llm.max_retries) == (20, 2)


def test_llm_variables_are_read() -> None:
    llm = Settings.from_env(
        {
            "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
            "LLM_MODEL": "llama3.1",
            "LLM_TIMEOUT_SECONDS": "7",
            "LLM_MAX_RETRIES": "1",
            "LLM_CACHE_TTL_SECONDS": "600",
            "LLM_PRICE_PROMPT_PER_1K": "0.15",
            "LLM_PRICE_COMPLETION_PER_1K": "0.6",
            "LLM_FALLBACK": "offline",
            "LLM_RATE_LIMIT_PER_MINUTE": "5",
        }
    ).llm
    assert llm.online and llm.base_url == "http://127.0.0.1:11434/v1"
    assert (llm.model, llm.timeout_seconds, llm.max_retries) == ("llama3.1", 7, 1)
    assert llm.cache_ttl_seconds == 600 and llm.fallback_offline is True
    assert (llm.price_prompt_per_1k, llm.price_completion_per_1k) == (
        Decimal("0.15"),
        Decimal("0.6"),
    )
    assert llm.rate_limit_per_minute == 5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LLM_RATE_LIMIT_PER_MINUTE", "0"),
        ("LLM_RATE_LIMIT_PER_MINUTE", "many"),
        ("LLM_TIMEOUT_SECONDS", "0"),
        ("LLM_MAX_RETRIES", "-1"),
        ("LLM_PRICE_PROMPT_PER_1K", "-0.1"),
        ("LLM_FALLBACK", "maybe"),
        ("OPENAI_BASE_URL", "ftp://example.org"),
    ],
)
def test_bad_llm_values_name_their_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert raised.value.variable == variable


def test_container_picks_offline_without_key_or_url() -> None:
    container = build_container(Settings())
    assert isinstance(container.llm_client(), OfflineLlmClient)
    assert isinstance(container.cache(), MemoryCache)
    assert container.redis() is None


def test_container_picks_the_openai_adapter_and_redis_when_configured() -> None:
    settings = Settings.from_env(
        {"OPENAI_API_KEY": "sk-x", "REDIS_URL": "redis://127.0.0.1:6379/15"}
    )
    container = build_container(settings)
    assert isinstance(container.llm_client(), OpenAiLlmClient)
    assert isinstance(container.cache(), RedisCache)
    redis = container.redis()
    assert redis is not None
    kwargs = redis.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 1.0


def test_rate_limit_config_uses_the_llm_store_and_middleware() -> None:
    config = llm_rate_limit()
    assert config.store == LLM_RATE_LIMIT_STORE
    assert config.middleware_class is LlmRateLimitMiddleware
    assert getattr(config, "fixed_limit", None) is False
    assert getattr(llm_rate_limit(3), "fixed_limit", None) is True
