"""How messages leave: Twilio (SMS, WhatsApp) and SMTP (email) settings."""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr, field_validator, model_validator

from entrypoints.settings.errors import SettingsError
from entrypoints.settings.fields import SettingsGroup, env, require

E164_NUMBER = re.compile(r"^\+[1-9][0-9]{6,14}$")
EMAIL_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _sid(value: str | None, prefix: str, what: str) -> str | None:
    if value is not None and not value.startswith(prefix):
        raise ValueError(f"must be {what} starting with {prefix}")
    return value


class TwilioSettings(SettingsGroup):
    """SMS and WhatsApp through Twilio; unset (None) unless the account SID or token is."""

    account_sid: str = env("TWILIO_ACCOUNT_SID")
    auth_token: SecretStr = env("TWILIO_AUTH_TOKEN")
    # During a token rotation: the token being replaced, still accepted on webhook signatures
    # (Twilio signs with the account's primary token until the new one is promoted).
    auth_token_previous: SecretStr | None = env("TWILIO_AUTH_TOKEN_PREVIOUS", None)
    # Where Twilio reaches our webhooks (signatures are checked on it).
    public_base_url: str = env("PUBLIC_BASE_URL")
    messaging_service_sid: str | None = env("TWILIO_MESSAGING_SERVICE_SID", None)
    from_number: str | None = env("TWILIO_FROM_NUMBER", None)
    whatsapp_from: str | None = env("TWILIO_WHATSAPP_FROM", None)
    whatsapp_template_sid: str | None = env("TWILIO_WHATSAPP_TEMPLATE_SID", None)
    timeout_seconds: int = env("TWILIO_TIMEOUT_SECONDS", 10, ge=1, le=120)
    # Sends a second per sending number / messaging service, in each worker (0: no limit).
    sends_per_second: float = env("TWILIO_SENDS_PER_SECOND", 0, ge=0, le=1000)

    @model_validator(mode="before")
    @classmethod
    def _required(cls, data: Any) -> Any:
        require(
            cls,
            data,
            {
                "TWILIO_ACCOUNT_SID": "is required when TWILIO_AUTH_TOKEN is set",
                "TWILIO_AUTH_TOKEN": "is required when TWILIO_ACCOUNT_SID is set",
                "PUBLIC_BASE_URL": "is required with Twilio: status callbacks and webhook "
                "signatures use it",
            },
        )
        return data

    @field_validator("account_sid")
    @classmethod
    def _account(cls, value: str) -> str:
        return _sid(value, "AC", "an account SID") or value

    @field_validator("messaging_service_sid")
    @classmethod
    def _service(cls, value: str | None) -> str | None:
        return _sid(value, "MG", "a messaging service SID")

    @field_validator("whatsapp_template_sid")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return _sid(value, "HX", "a content template SID")

    @field_validator("from_number", "whatsapp_from")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        number = value.removeprefix("whatsapp:").strip()
        if not E164_NUMBER.match(number):
            raise ValueError("must be an E.164 phone number such as +14155550123")
        return number

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _a_sender(self) -> TwilioSettings:
        senders = (self.messaging_service_sid, self.from_number, self.whatsapp_from)
        if all(sender is None for sender in senders):
            raise SettingsError(
                "TWILIO_MESSAGING_SERVICE_SID",
                "set it or TWILIO_FROM_NUMBER (or TWILIO_WHATSAPP_FROM) to send through Twilio",
            )
        return self

    @property
    def status_callback_url(self) -> str:
        return self.public_base_url + "/webhooks/twilio/status"


class SmtpSettings(SettingsGroup):
    """Email through an SMTP server; unset (None) unless SMTP_HOST is."""

    host: str = env("SMTP_HOST")
    from_address: str = env("SMTP_FROM")
    port: int = env("SMTP_PORT", 587, ge=1, le=65535)
    username: str | None = env("SMTP_USERNAME", None)
    password: SecretStr | None = env("SMTP_PASSWORD", None)
    starttls: bool = env("SMTP_STARTTLS", True)
    timeout_seconds: int = env("SMTP_TIMEOUT_SECONDS", 10, ge=1, le=120)
    # Sends a second to the SMTP server, in each worker (0: no limit).
    sends_per_second: float = env("SMTP_SENDS_PER_SECOND", 0, ge=0, le=1000)

    @model_validator(mode="before")
    @classmethod
    def _required(cls, data: Any) -> Any:
        require(cls, data, {"SMTP_FROM": "is required when SMTP_HOST is set"})
        return data

    @field_validator("from_address")
    @classmethod
    def _address(cls, value: str) -> str:
        if not EMAIL_ADDRESS.match(value.rsplit("<", 1)[-1].rstrip(">").strip()):
            raise ValueError("must be an email address (optionally Name <addr>)")
        return value

    @model_validator(mode="after")
    def _login_pair(self) -> SmtpSettings:
        if (self.username is None) != (self.password is None):
            raise SettingsError(
                "SMTP_PASSWORD" if self.password is None else "SMTP_USERNAME",
                "SMTP_USERNAME and SMTP_PASSWORD go together",
            )
        return self


class MessagingSettings(SettingsGroup):
    """How messages leave: Twilio and/or SMTP when configured, else the console sender."""

    twilio: TwilioSettings | None = None
    smtp: SmtpSettings | None = None
    max_attempts: int = env("MESSAGE_MAX_ATTEMPTS", 5, ge=1, le=20)

    @model_validator(mode="before")
    @classmethod
    def _unset_providers(cls, data: Any) -> Any:
        """A provider whose key variables are all unset is not configured (None)."""
        if not isinstance(data, dict):
            return data
        keys = {"twilio": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"), "smtp": ("SMTP_HOST",)}
        for group, required in keys.items():
            values = data.get(group)
            if isinstance(values, dict) and not any(v in values for v in required):
                data = {**data, group: None}
        return data
