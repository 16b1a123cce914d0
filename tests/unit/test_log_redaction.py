"""No phone number, e-mail address, token or message body reaches a log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.observability.log_format import JsonFormatter
from entrypoints.observability.redaction import NOTHING_TO_REDACT, RedactingFilter, redact

SECRET_SAMPLES = [
    "ada.lovelace+crm@example.co.uk",
    "+15550102345",
    "+1 555 010 2345",
    "whatsapp:+447700900123",
    "(555) 010-2345",
    "555-010-2345",
    "Bearer abcdefghijklmnop0123456789",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl",
    "password=hunter2-hunter2",
    # Any case and spacing of the names the quick checks look for before the patterns run.
    "BEARER abcdefghijklmnop0123456789",
    "Basic dXNlcjpodW50ZXIyaHVudGVy",
    "Password : hunter2-hunter2",
    "X_API_KEY=hunter2-hunter2",
    "Auth=hunter2-hunter2",
    "refresh_token: hunter2-hunter2",
    "postgresql://fieldcrm:s3cret-pw@db:5432/fieldcrm",
]


@pytest.mark.parametrize("secret", SECRET_SAMPLES)
def test_secrets_and_personal_data_are_masked(secret: str) -> None:
    masked = redact(f"sending to {secret} now")
    hidden = secret.split("=")[-1].split(":")[-1] if "://" not in secret else "s3cret-pw"
    assert hidden not in masked, masked
    assert masked.startswith("sending to ") and masked.endswith(" now")


@pytest.mark.parametrize(
    "text",
    [
        "dispatch_due_messages 2026-12-03T01:00: processed=3",
        "GET /customers/{customer_id:int} 200 12.5 ms",
        "send_message 12345: SENT",
        "llm task=summary prompt_tokens=812 latency_ms=950.2",
    ],
)
def test_ordinary_lines_are_left_alone(text: str) -> None:
    assert redact(text) == text


@given(
    user=st.from_regex(r"[a-z][a-z0-9._]{0,20}", fullmatch=True),
    domain=st.from_regex(r"[a-z]{2,12}\.(com|org|de|co\.uk)", fullmatch=True),
    digits=st.from_regex(r"[1-9][0-9]{9,13}", fullmatch=True),
)
def test_any_email_or_e164_number_is_masked(user: str, domain: str, digits: str) -> None:
    email, phone = f"{user}@{domain}", f"+{digits}"
    masked = redact(f"to={email} phone={phone} done")
    assert email not in masked and digits not in masked


def _json_lines(
    emit: Callable[[logging.Logger], None], role: str = "api"
) -> tuple[str, list[dict]]:
    """What `emit` logs, through the redaction filter and the JSON format: the text and
    its lines decoded."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter(role))
    logger = logging.getLogger("tests.redaction.lines")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    return text, [json.loads(line) for line in text.splitlines()]


def test_a_json_line_carries_neither_the_arguments_nor_sensitive_extras() -> None:
    def emit(logger: logging.Logger) -> None:
        logger.info(
            "sent %s to %s",
            "the message",
            "ada@example.com",
            extra={"body": "Your code is 1234, Ada", "phone": "+15550102345", "status": 200},
        )
        try:
            raise ValueError("could not reach +15550102345")
        except ValueError:
            logger.exception("failed for bob@example.org")

    text, lines = _json_lines(emit, role="worker")
    for leaked in ("ada@example.com", "+15550102345", "Your code is", "bob@example.org"):
        assert leaked not in text
    assert lines[0]["message"] == "sent the message to [email]"
    assert lines[0]["status"] == 200 and lines[0]["process"] == "worker"
    assert "ValueError" in lines[1]["exception"]


def test_string_extras_are_masked_too() -> None:
    text, (line,) = _json_lines(
        lambda log: log.info(
            "queued", extra={"to": "whatsapp:+447700900123", "note": "from ada@example.com"}
        )
    )
    assert "447700900123" not in text and "ada@example.com" not in text
    assert line["to"] == "whatsapp:[phone]" and line["note"] == "from [email]"


def test_a_record_flagged_nothing_to_redact_is_written_as_it_is_without_the_flag() -> None:
    _, (line,) = _json_lines(
        lambda log: log.info(
            "%s %s %s",
            "GET",
            "/customers/{customer_id}",
            200,
            extra={"route": "/customers/{customer_id}", NOTHING_TO_REDACT: True},
        )
    )
    assert line["message"] == "GET /customers/{customer_id} 200"
    assert line["route"] == "/customers/{customer_id}"
    assert NOTHING_TO_REDACT not in line


def test_the_json_line_keeps_what_msgspec_cannot_encode() -> None:
    # A lone surrogate cannot be UTF-8: the line falls back to the standard json module.
    _, (line,) = _json_lines(lambda log: log.info("odd", extra={"s": "x\ud800y", "n": 2**70}))
    assert line["s"] == "x\ud800y" and line["n"] == 2**70
