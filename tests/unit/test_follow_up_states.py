"""Follow-ups move forward only: PENDING < SCHEDULED < AWAITING_REVIEW < SENT < NO_RESPONSE
< a final state — but for the one step back, AWAITING_REVIEW → SCHEDULED, when someone
resolves its message as not sent (one new attempt)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidTransition, ValidationFailed
from domain.follow_up import FOLLOW_UP_TRANSITIONS, FollowUp, FollowUpStatus

S = FollowUpStatus
T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)
RANK = {S.PENDING: 0, S.SCHEDULED: 1, S.AWAITING_REVIEW: 1.5, S.SENT: 2, S.NO_RESPONSE: 3}
RANK |= {S.COMPLETED: 4, S.FAILED: 4, S.CANCELLED: 4}
BACK = {(S.AWAITING_REVIEW, S.SCHEDULED)}


def forward(source: FollowUpStatus, target: FollowUpStatus) -> bool:
    return RANK[target] > RANK[source] or (source, target) in BACK


TERMINAL = {S.COMPLETED, S.FAILED, S.CANCELLED}


def test_the_table_only_moves_forward_and_terminal_states_are_final() -> None:
    assert set(FOLLOW_UP_TRANSITIONS) == set(S)
    for source, targets in FOLLOW_UP_TRANSITIONS.items():
        assert all(forward(source, target) for target in targets), source
        assert (not targets) == (source in TERMINAL), source


def test_every_state_is_reachable_from_pending() -> None:
    reached, frontier = {S.PENDING}, [S.PENDING]
    while frontier:
        for target in FOLLOW_UP_TRANSITIONS[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(S)


def test_open_with_a_date_is_scheduled_without_is_pending() -> None:
    when = T0 + timedelta(days=3)
    scheduled = FollowUp.open(job_id=1, customer_id=2, follow_up_date=when, now=T0)
    assert (scheduled.status, scheduled.follow_up_date, scheduled.created_at) == (
        S.SCHEDULED,
        when,
        T0,
    )
    pending = FollowUp.open(job_id=1, customer_id=2, follow_up_date=None, now=T0)
    assert (pending.status, pending.follow_up_date) == (S.PENDING, None)
    with pytest.raises(ValidationFailed) as refused:
        FollowUp.open(1, 2, datetime(2024, 5, 4, 9), T0)
    assert list(refused.value.errors) == ["follow_up_date"]


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(list(S)), max_size=12))
def test_random_moves_follow_the_table(dated: bool, targets: list[FollowUpStatus]) -> None:
    follow_up = FollowUp.open(1, 2, T0 if dated else None, T0)
    for target in targets:
        before = copy.deepcopy(follow_up)
        if target is before.status:
            follow_up.move_to(target)
            assert follow_up == before, "moving to the same status is a no-op"
        elif target in FOLLOW_UP_TRANSITIONS[before.status]:
            follow_up.move_to(target)
            assert follow_up.status is target
            assert forward(before.status, target)
        else:
            with pytest.raises(InvalidTransition) as refused:
                follow_up.move_to(target)
            assert (refused.value.current, refused.value.target) == (before.status, target)
            assert follow_up == before, "a refused move leaves the follow-up untouched"
        if before.status in TERMINAL:
            assert follow_up == before, "terminal states are terminal"


@pytest.mark.parametrize("status", sorted(S))
def test_reschedule_only_while_not_yet_sent(status: FollowUpStatus) -> None:
    follow_up = FollowUp.open(1, 2, None, T0)
    follow_up.status = status
    later = T0 + timedelta(days=7)
    if status in (S.PENDING, S.SCHEDULED):
        follow_up.reschedule(later)
        assert follow_up.follow_up_date == later
    else:
        with pytest.raises(InvalidTransition):
            follow_up.reschedule(later)
        assert follow_up.follow_up_date is None
    with pytest.raises(ValidationFailed):
        follow_up.reschedule(datetime(2024, 6, 1))


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_record_feedback_keeps_a_valid_rating_and_trimmed_text(rating: int) -> None:
    follow_up = FollowUp.open(1, 2, None, T0)
    follow_up.record_feedback(rating, "  Fridge is cold again  ")
    assert (follow_up.satisfaction_rating, follow_up.feedback) == (rating, "Fridge is cold again")
    follow_up.record_feedback(None, "   ")  # nothing new: nothing erased
    assert (follow_up.satisfaction_rating, follow_up.feedback) == (rating, "Fridge is cold again")


@pytest.mark.parametrize(
    ("rating", "feedback", "field"),
    [
        (0, "ok", "satisfaction_rating"),
        (6, "ok", "satisfaction_rating"),
        (-1, None, "satisfaction_rating"),
        (True, None, "satisfaction_rating"),
        (4.5, None, "satisfaction_rating"),
        (4, "x" * 5001, "feedback"),
        (4, "a\x00b", "feedback"),
    ],
)
def test_record_feedback_refuses_bad_input_and_changes_nothing(
    rating: int, feedback: str | None, field: str
) -> None:
    follow_up = FollowUp.open(1, 2, None, T0)
    before = copy.deepcopy(follow_up)
    with pytest.raises(ValidationFailed) as refused:
        follow_up.record_feedback(rating, feedback)
    assert list(refused.value.errors) == [field]
    assert follow_up == before


def test_record_feedback_accepts_the_longest_text() -> None:
    follow_up = FollowUp.open(1, 2, None, T0)
    follow_up.record_feedback(None, "x" * 5000)
    assert follow_up.feedback == "x" * 5000
