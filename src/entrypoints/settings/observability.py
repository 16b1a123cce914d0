"""Logs, metrics and probes of every process (see docs/operations.md)."""

from __future__ import annotations

from typing import Literal

from entrypoints.settings.fields import SettingsGroup, env


class ObservabilitySettings(SettingsGroup):
    """LOG_FORMAT (LOG_LEVEL is top-level), the metrics listener, the heartbeat.

    The logging setup reads LOG_LEVEL and LOG_FORMAT before the settings exist (so the
    settings' own errors are logged in the chosen format); they are declared here too so a
    bad value is refused with a clear message. Tracing reads the standard OTEL_* variables.
    """

    #: json: one JSON object a line; text: readable. Unset: json with FIELDCRM_ENV=production.
    log_format: Literal["json", "text"] | None = env("LOG_FORMAT", None)
    #: A Prometheus listener without a token (bind it to a private address) in this process.
    metrics_port: int | None = env("METRICS_PORT", None, ge=1, le=65535)
    metrics_host: str = env("METRICS_HOST", "127.0.0.1")
    #: How often the worker and the scheduler write their heartbeat, and when one is too old.
    heartbeat_seconds: int = env("HEARTBEAT_SECONDS", 10, ge=1, le=300)
    heartbeat_stale_seconds: int = env("HEARTBEAT_STALE_SECONDS", 60, ge=2, le=3600)
