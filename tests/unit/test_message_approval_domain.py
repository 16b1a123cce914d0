"""An AI-written message waits in PENDING_APPROVAL: approved (maybe edited) it is
SCHEDULED, rejected it is CANCELLED; only a waiting message can be decided. Reminders are
written in the customer's language, English otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.engagement.reminder_wording import reminder_wording
from domain.contact_preferences import ContactMethod
from domain.errors import InvalidTransition, ValidationFailed
from domain.messaging.message import Message, MessageStatus, Purpose

NOW = datetime(2030, 1, 7, 15, tzinfo=UTC)
M = MessageStatus


def a_message(purpose: Purpose = Purpose.MARKETING) -> Message:
    return Message(
        1, purpose, ContactMethod.SMS, "+14155550100", "AI text", "en", NOW, "k", NOW, NOW
    )


@pytest.mark.parametrize(
    ("auto_approved", "status"),
    [
        (frozenset(), M.PENDING_APPROVAL),
        (frozenset({Purpose.TRANSACTIONAL}), M.PENDING_APPROVAL),
        (frozenset({Purpose.MARKETING}), M.SCHEDULED),
    ],
)
def test_held_unless_its_purpose_is_auto_approved(
    auto_approved: frozenset[Purpose], status: MessageStatus
) -> None:
    message = a_message(Purpose.MARKETING)
    message.hold_for_approval(auto_approved)
    assert message.status is status


def test_approving_with_an_edit_schedules_the_edited_text() -> None:
    message = a_message()
    message.hold_for_approval(frozenset())
    message.approve("  Edited by Sam  ", NOW)
    assert (message.status, message.body) == (M.SCHEDULED, "Edited by Sam")


def test_a_blank_edit_is_refused_and_the_message_keeps_waiting() -> None:
    message = a_message()
    message.hold_for_approval(frozenset())
    with pytest.raises(ValidationFailed) as error:
        message.approve("   ", NOW)
    assert "body" in error.value.errors
    assert (message.status, message.body) == (M.PENDING_APPROVAL, "AI text")


@given(st.sampled_from([s for s in MessageStatus if s is not M.PENDING_APPROVAL]))
def test_only_a_waiting_message_can_be_decided(status: MessageStatus) -> None:
    message = a_message()
    message.status = status
    with pytest.raises(InvalidTransition):
        message.approve(None, NOW)
    with pytest.raises(InvalidTransition):
        message.reject(NOW)
    assert message.status is status


def test_rejecting_cancels() -> None:
    message = a_message()
    message.hold_for_approval(frozenset())
    message.reject(NOW)
    assert message.status is M.CANCELLED


@pytest.mark.parametrize(
    ("tag", "language", "word"),
    [
        ("en-US", "en", "maintenance"),
        ("es-MX", "es", "mantenimiento"),
        ("fr", "fr", "entretenu"),
        ("de-DE", "de", "Wartung"),
        ("pt-BR", "pt", "manutenção"),
        ("ja", "en", "maintenance"),  # not supported: English, and the message says "en"
    ],
)
def test_reminders_in_the_customers_language(tag: str, language: str, word: str) -> None:
    written_in, text = reminder_wording(tag, "Ada", "Bosch fridge", "2030-02-01", "Fix-It")
    assert written_in == language and word in text
    assert "Ada" in text and "2030-02-01" in text and "Fix-It" in text and "STOP" in text
