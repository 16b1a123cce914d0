"""The engagement rules of the domain: attention signals, the alert state machine, the
survey window and the outbox keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.attention import AttentionCriteria, AttentionReason, AttentionSignal, needing_attention
from domain.errors import InvalidTransition, ValidationFailed
from domain.follow_up import FollowUp, FollowUpStatus, suggestion_key
from domain.maintenance_alert import AlertStatus, MaintenanceAlert, Prediction, reminder_key
from domain.survey_window import LATE_WINDOW, SurveyWindow, survey_key

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
R = AttentionReason


def test_criteria_windows() -> None:
    c = AttentionCriteria.at(NOW)
    assert c.recent_since == NOW - timedelta(days=3)
    assert c.rating_since == NOW - timedelta(days=30)
    assert c.silent_before == NOW - timedelta(days=180)
    assert c.low_rating_max == 2


def test_one_entry_per_customer_about_the_most_pressing_signal() -> None:
    signals = [
        AttentionSignal(1, 10, R.RECENT_COMPLETION, NOW),
        AttentionSignal(1, 11, R.LOW_RATING, NOW - timedelta(days=5)),
        AttentionSignal(1, 12, R.LOW_RATING, NOW - timedelta(days=1)),
        AttentionSignal(2, 20, R.LONG_SILENCE, NOW - timedelta(days=400)),
        AttentionSignal(3, 30, R.NEGATIVE_FEEDBACK, NOW),
        AttentionSignal(3, 31, R.RECENT_COMPLETION, NOW),
    ]
    picked = {n.customer_id: n for n in needing_attention(reversed(signals))}
    assert picked[1].job_id == 12  # a low rating beats a completion; the latest one wins
    assert picked[1].reasons == (R.LOW_RATING, R.RECENT_COMPLETION)
    assert picked[2].job_id == 20 and picked[2].reasons == (R.LONG_SILENCE,)
    assert picked[3].job_id == 30 and picked[3].reasons[0] is R.NEGATIVE_FEEDBACK
    assert [n.customer_id for n in needing_attention(signals)] == [1, 2, 3]


def test_suggested_follow_up_is_pending_and_keyed() -> None:
    key = suggestion_key(4, 9, date(2024, 3, 1), 0)
    assert key == "suggestion:4:9:2024-03-01:0"
    f = FollowUp.suggest(9, 4, "  Call them  ", key, NOW)
    assert f.status is FollowUpStatus.PENDING and f.suggestion == "Call them"
    assert f.suggestion_key == key and f.follow_up_date is None
    with pytest.raises(ValidationFailed):
        FollowUp.suggest(9, 4, " ", key, NOW)


def _alert(due: date = date(2024, 3, 10)) -> MaintenanceAlert:
    return MaintenanceAlert.raise_for(7, 3, Prediction(due, 0.8, "interval"), NOW)


def test_alert_lifecycle() -> None:
    alert = _alert()
    assert alert.status is AlertStatus.OPEN and alert.created_at == alert.updated_at == NOW
    later = NOW + timedelta(hours=1)
    alert.move_to(AlertStatus.ACKNOWLEDGED, later)
    assert alert.updated_at == later
    alert.move_to(AlertStatus.DONE, later)
    with pytest.raises(InvalidTransition):
        alert.move_to(AlertStatus.OPEN, later)
    acknowledged = _alert()
    acknowledged.move_to(AlertStatus.ACKNOWLEDGED, NOW)
    with pytest.raises(InvalidTransition):
        acknowledged.move_to(AlertStatus.OPEN, NOW)


def test_a_new_due_date_reopens_the_alert_the_same_one_does_not() -> None:
    alert = _alert()
    alert.move_to(AlertStatus.DONE, NOW)
    later = NOW + timedelta(days=1)
    assert alert.revise(Prediction(date(2024, 3, 10), 0.8, "interval"), later) is False
    assert alert.status is AlertStatus.DONE and alert.updated_at == later
    assert alert.revise(Prediction(date(2024, 9, 10), 0.9, "serviced"), later) is True
    assert alert.status is AlertStatus.OPEN and alert.due_date == date(2024, 9, 10)


@pytest.mark.parametrize("confidence", [-0.1, 1.5, float("nan")])
def test_prediction_confidence_is_a_probability(confidence: float) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Prediction(date(2024, 1, 1), confidence, "x").validated()
    assert "confidence" in refused.value.errors


def test_reminder_wanted_until_done_and_only_within_the_horizon() -> None:
    alert = _alert(date(2024, 3, 10))
    assert alert.wants_reminder(date(2024, 3, 10))
    assert not alert.wants_reminder(date(2024, 3, 9))
    assert alert.wants_reminder(date(2024, 4, 1))  # overdue by then: still reminded once
    alert.move_to(AlertStatus.DONE, NOW)
    assert not alert.wants_reminder(date(2024, 4, 1))
    assert alert.reminder_key() == reminder_key(7, date(2024, 3, 10)) == "maintenance:7:2024-03-10"


def test_survey_window_and_key() -> None:
    window = SurveyWindow.at(NOW, timedelta(days=3))
    assert window.before == NOW - timedelta(days=3)
    assert window.after == window.before - LATE_WINDOW
    assert survey_key(12) == "survey:job:12"
    with pytest.raises(ValueError):
        SurveyWindow.at(NOW, timedelta(minutes=-1))
