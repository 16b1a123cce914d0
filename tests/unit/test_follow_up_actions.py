"""Sending or dismissing a suggested (PENDING) follow-up, and reading a suggestion back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.access import Actor
from application.engagement.suggestions import suggestion_text
from application.follow_up_actions import SendEdits, dismiss_follow_up, send_follow_up
from application.llm.answers import Suggestion
from domain.attention import AttentionReason
from domain.contact_preferences import ContactMethod
from domain.errors import Conflict, PermissionDenied, ValidationFailed
from domain.follow_up import FollowUp, FollowUpStatus
from domain.suggested_message import read_suggestion, suggested_instant
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_customer, a_job

OFFICE = Actor(user_id=7, role=Role.OFFICE)
CHANNELS = ["WHATSAPP", "EMAIL", "PHONE", "SMS"]


def a_suggestion(action: str, channel: str = "SMS", time: str | None = None) -> Suggestion:
    return Suggestion(
        action=action,
        reason="The job is completed and has no review yet.",
        channel=channel,  # type: ignore[arg-type]
        suggested_time=time,
        priority="medium",
        sources=["job:1"],
    )


@given(
    action=st.text(min_size=1, max_size=200).filter(lambda a: a.strip() and "(by " not in a),
    channel=st.sampled_from(CHANNELS),
    time=st.none() | st.just("2030-01-08T10:00:00") | st.just("2030-01-08T10:00:00+01:00"),
)
def test_a_suggestion_reads_back_its_action_channel_and_time(
    action: str, channel: str, time: str | None
) -> None:
    text = suggestion_text(a_suggestion(action, channel, time), (AttentionReason.LOW_RATING,))
    read = read_suggestion(text)
    assert (read.action, read.channel, read.time) == (action.strip(), ContactMethod(channel), time)


def test_text_of_another_shape_is_all_action() -> None:
    read = read_suggestion("  Call Ada about the dryer ")
    assert (read.action, read.channel, read.time) == ("Call Ada about the dryer", None, None)


def test_a_suggested_time_is_local_to_the_customer_and_never_past() -> None:
    now = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
    la = "America/Los_Angeles"
    assert suggested_instant("2030-01-08T10:00:00", la, now) == datetime(
        2030, 1, 8, 18, 0, tzinfo=UTC
    )
    assert suggested_instant("2030-01-08T10:00:00+01:00", la, now) == datetime(
        2030, 1, 8, 9, 0, tzinfo=UTC
    )
    for past_or_bad in ("2020-01-01T10:00:00", "tomorrow at ten", None):
        assert suggested_instant(past_or_bad, la, now) == now


async def suggested(db: FakeDatabase, clock: FakeClock, text: str | None) -> tuple[int, int]:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    async with db.uow() as uow:
        if text is None:
            follow_up = FollowUp(job_id, customer_id, clock.now())
        else:
            follow_up = FollowUp.suggest(job_id, customer_id, text, f"s:{job_id}", clock.now())
        stored = await uow.follow_ups.add(follow_up)
        await uow.commit()
    assert stored.id is not None
    return stored.id, job_id


async def test_sending_uses_the_suggestion_and_schedules_the_follow_up(
    db: FakeDatabase, clock: FakeClock
) -> None:
    later = (clock.now() + timedelta(days=1)).astimezone(UTC).isoformat()
    text = suggestion_text(a_suggestion("Ask for a review", "SMS", later), ())
    follow_up_id, job_id = await suggested(db, clock, text)
    sent = await send_follow_up(OFFICE, db.uow(), clock, follow_up_id, SendEdits())
    message = sent.message
    assert (message.body, message.channel, message.job_id) == ("Ask for a review", "SMS", job_id)
    assert message.follow_up_id == follow_up_id
    assert message.scheduled_for == clock.now() + timedelta(days=1)
    [stored] = db.rows("follow_ups")
    assert stored.status is FollowUpStatus.SCHEDULED
    assert stored.follow_up_date == message.scheduled_for
    entry = next(e for e in db.rows("audit_entries") if e.entity == "follow-up")
    assert entry.action == "send" and entry.changes["message_id"] == [None, message.id]
    with pytest.raises(Conflict, match="SCHEDULED"):
        await send_follow_up(OFFICE, db.uow(), clock, follow_up_id, SendEdits())
    with pytest.raises(Conflict):
        await dismiss_follow_up(OFFICE, db.uow(), clock, follow_up_id, None)
    assert len(db.rows("messages")) == 1


async def test_the_office_edits_win_and_a_follow_up_without_suggestion_needs_a_body(
    db: FakeDatabase, clock: FakeClock
) -> None:
    follow_up_id, _ = await suggested(db, clock, None)
    with pytest.raises(ValidationFailed) as refused:
        await send_follow_up(OFFICE, db.uow(), clock, follow_up_id, SendEdits())
    assert "body" in refused.value.errors
    edits = SendEdits(body="How is the fridge?", channel=ContactMethod.EMAIL)
    sent = await send_follow_up(OFFICE, db.uow(), clock, follow_up_id, edits)
    assert (sent.message.body, sent.message.channel) == ("How is the fridge?", "EMAIL")
    assert sent.message.scheduled_for == clock.now()


async def test_dismissing_cancels_a_pending_follow_up_with_the_reason_in_the_trail(
    db: FakeDatabase, clock: FakeClock
) -> None:
    follow_up_id, _ = await suggested(db, clock, "Call about the dryer")
    with pytest.raises(PermissionDenied):
        await dismiss_follow_up(Actor(3, Role.TECHNICIAN, 1), db.uow(), clock, follow_up_id, None)
    dismissed = await dismiss_follow_up(OFFICE, db.uow(), clock, follow_up_id, " handled ")
    assert dismissed.status is FollowUpStatus.CANCELLED
    entry = next(e for e in db.rows("audit_entries") if e.entity == "follow-up")
    assert entry.changes == {"status": ["PENDING", "CANCELLED"], "reason": [None, "handled"]}
    with pytest.raises(Conflict):
        await send_follow_up(OFFICE, db.uow(), clock, follow_up_id, SendEdits(body="hi"))
    assert db.rows("messages") == []
