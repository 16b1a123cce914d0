"""Personal data and secrets never reach the log: a filter applied to every record.

Masks, wherever they appear in the formatted message or an extra field: e-mail addresses,
phone-number-like digit runs (7+ digits, with the usual separators), bearer/JWT tokens,
`password=`/`token=`/`secret=`/`key=` values and URL credentials. Message bodies are not
logged by fieldcrm code; fields named like a body are dropped here as a second line.
"""

from __future__ import annotations

import logging
import re

from entrypoints.observability.record_fields import NOTHING_TO_REDACT, STANDARD

__all__ = ["MASK", "NOTHING_TO_REDACT", "SENSITIVE_FIELDS", "RedactingFilter", "redact"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# +15550102345, +1 555 010 2345, whatsapp:+1555..., (555) 010-2345, 555-010-2345, and bare
# runs of 10-15 digits; dates (2026-12-03) and times are left alone.
_PHONE = re.compile(
    r"\+\d(?:[\s().-]{0,2}\d){6,}"
    r"|\(\d{3}\)\s?\d{3}[-.\s]\d{4}\b"
    r"|\b\d{3}[-.]\d{3}[-.]\d{4}\b"
    r"|(?<![\w-])\d{10,15}(?![\w-])"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_SECRET_PAIR = re.compile(
    r"(?i)\b([A-Za-z_]*(?:password|passwd|token|secret|api_?key|auth))(\s*[=:]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]*@")

#: Extra fields never logged (their value is replaced).
SENSITIVE_FIELDS = frozenset(
    {"body", "message_body", "text", "password", "token", "authorization", "phone", "email"}
)
MASK = "[redacted]"


# What each pattern cannot match without: a pattern runs only on text that contains it, so
# a line like an access line ("GET /health 200 0.4 ms") costs a few substring tests instead
# of six regular expression scans. A secret pair needs its name right before `=` or `:`
# (a quick scan without the name's prefix: "prompt_tokens=0" is no candidate). The phone
# pattern always runs.
_SECRET_NAME = re.compile(r"(?i)(?:password|passwd|token|secret|api_?key|auth)\s*[=:]")


def redact(text: str) -> str:
    """`text` with e-mails, phone numbers, tokens and credentials masked."""
    if "@" in text:
        text = _URL_CREDENTIALS.sub(r"\1[redacted]@", text)
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    lower = text.lower()
    if "bearer" in lower or "basic" in lower:
        text = _BEARER.sub(r"\1 " + MASK, text)
    if (
        "pass" in lower
        or "token" in lower
        or "secret" in lower
        or "key" in lower
        or "auth" in lower
    ) and _SECRET_NAME.search(text):
        text = _SECRET_PAIR.sub(r"\1\2" + MASK, text)
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    return _PHONE.sub("[phone]", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (args merged in) and string extras, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.__dict__.get(NOTHING_TO_REDACT) is True and record.exc_info is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        fields = record.__dict__
        for name, value in list(fields.items()):
            if name in SENSITIVE_FIELDS:
                fields[name] = MASK
            elif isinstance(value, str) and name not in STANDARD:
                fields[name] = redact(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
