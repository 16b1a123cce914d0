"""The two renderings of one log record: a JSON line (production) or a readable line.

Both carry the same fields: time (UTC, ISO 8601), level, logger, message, the process
role (api, worker, scheduler, cli), the request id and user id when there is one, the
structured extras a call passed (`log.info("...", extra={"status": 200})`) and the
exception text.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from typing import Any

import msgspec

from entrypoints.observability.log_context import current_request_id, current_user_id
from entrypoints.observability.record_fields import extra_fields


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a call added with `extra=`, plus the request context."""
    fields = extra_fields(record)
    request_id = current_request_id()
    if request_id is not None and "request_id" not in fields:
        fields["request_id"] = request_id
    user_id = current_user_id()
    if user_id is not None and "user_id" not in fields:
        fields["user_id"] = user_id
    return fields


_second: tuple[int, str] = (-1, "")  # the last whole second rendered, and its text


def _timestamp(record: logging.LogRecord) -> str:
    """`2026-12-03T05:14:45.123+00:00`: the record's time in UTC, to the millisecond. The
    date and time of day are rendered once per second (a busy server logs many lines in
    each), the milliseconds on every line."""
    global _second
    whole = math.floor(record.created)
    micros = round((record.created - whole) * 1_000_000)  # as datetime rounds it
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    seen, text = _second
    if seen != whole:
        text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _second = (whole, text)
    return f"{text}.{micros // 1000:03d}+00:00"


# msgspec writes a line in a fraction of json.dumps's time (a busy server writes one per
# request); what it cannot encode natively is written as its str(), as json.dumps's
# default=str does.
_JSON = msgspec.json.Encoder(enc_hook=str)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "process": self.role,
            "message": record.getMessage(),
            **extras(record),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        try:
            return _JSON.encode(line).decode()
        except (TypeError, ValueError, UnicodeError):  # e.g. a lone surrogate in a string
            return json.dumps(line, default=str, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    """`time LEVEL role logger: message key=value ...` for a terminal."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in extras(record).items())
        text = (
            f"{_timestamp(record)[11:23]} {record.levelname:<7} {self.role} "
            f"{record.name}: {record.getMessage()}" + (f"  {fields}" if fields else "")
        )
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            text += "\n" + record.exc_text
        return text
