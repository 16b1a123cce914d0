"""Abuse and resource limits, and upstream timeouts, from the environment; the clients the
container builds carry those timeouts."""

from __future__ import annotations

import pytest

from adapters.llm.openai_client import OpenAiLlmClient
from adapters.messaging.router import ChannelRouter
from adapters.messaging.smtp_sender import SmtpEmailSender
from adapters.messaging.twilio.sender import TwilioSender
from domain.contact_preferences import ContactMethod
from entrypoints.container import build_container
from entrypoints.settings import LimitSettings, Settings, SettingsError
from tests.unit.test_messaging_settings import SMTP, TWILIO


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.limits == LimitSettings()
    assert settings.limits.max_body_bytes == 1024 * 1024
    assert (settings.limits.login_failures_per_username, settings.limits.login_window_seconds) == (
        5,
        900,
    )
    assert settings.redis_timeout_seconds == 1
    assert settings.database_connect_timeout_seconds == 10
    assert settings.database_statement_timeout_seconds == 30


def test_limits_are_read_from_the_environment() -> None:
    limits = Settings.from_env(
        {
            "MAX_BODY_BYTES": "65536",
            "LOGIN_WINDOW_SECONDS": "60",
            "LOGIN_FAILURES_PER_USERNAME": "3",
            "LOGIN_FAILURES_PER_ADDRESS": "30",
            "MESSAGE_RATE_LIMIT_PER_MINUTE": "12",
        }
    ).limits
    assert limits == LimitSettings(
        max_body_bytes=65536,
        login_window_seconds=60,
        login_failures_per_username=3,
        login_failures_per_address=30,
        message_rate_limit_per_minute=12,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAX_BODY_BYTES", "12"),
        ("MAX_BODY_BYTES", "lots"),
        ("LOGIN_WINDOW_SECONDS", "0"),
        ("LOGIN_FAILURES_PER_USERNAME", "-1"),
        ("LOGIN_FAILURES_PER_ADDRESS", "1.5"),
        ("MESSAGE_RATE_LIMIT_PER_MINUTE", "0"),
        ("REDIS_TIMEOUT_SECONDS", "0"),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "999"),
        ("DATABASE_STATEMENT_TIMEOUT_SECONDS", "never"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({variable: value})
    assert error.value.variable == variable


def test_redis_client_carries_the_socket_timeouts() -> None:
    container = build_container(
        Settings.from_env({"REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_TIMEOUT_SECONDS": "3"})
    )
    redis = container.redis()
    assert redis is not None
    kwargs = redis.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 3 and kwargs["socket_connect_timeout"] == 3


def test_twilio_smtp_and_openai_clients_carry_their_timeouts() -> None:
    env = TWILIO | SMTP | {"TWILIO_TIMEOUT_SECONDS": "7", "SMTP_TIMEOUT_SECONDS": "8"}
    env |= {"OPENAI_API_KEY": "sk-test", "LLM_TIMEOUT_SECONDS": "9"}
    container = build_container(Settings.from_env(env))
    router = container.message_sender()
    assert isinstance(router, ChannelRouter)
    twilio = router.sender_for(ContactMethod.SMS)
    smtp = router.sender_for(ContactMethod.EMAIL)
    assert isinstance(twilio, TwilioSender) and isinstance(smtp, SmtpEmailSender)
    assert twilio._client.http_client.timeout == 7  # what every Twilio request waits at most
    assert smtp._config.timeout_seconds == 8  # passed to aiosmtplib.send
    llm = container.llm_client()
    assert isinstance(llm, OpenAiLlmClient)
    assert llm._client.timeout == 9
