"""Which attributes of a log record are the structured extras a call passed
(`log.info("...", extra={"status": 200})`): every attribute `logging.LogRecord` does not
set itself (nor the formatters and redaction filter add)."""

from __future__ import annotations

import logging
from typing import Any

#: The redaction filter's flag (redaction.NOTHING_TO_REDACT): never an extra shown.
NOTHING_TO_REDACT = "nothing_to_redact"

#: LogRecord attributes that are not extras.
STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName", "color_message", NOTHING_TO_REDACT}
)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extras, in the order the call passed them."""
    return {k: v for k, v in record.__dict__.items() if k not in STANDARD}
