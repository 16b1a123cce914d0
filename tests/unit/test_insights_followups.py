"""Follow-up suggestions: the customer's contact preferences always win over the model."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.access import SYSTEM
from application.insights.follow_up_suggestions import followup_suggestions
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    Frequency,
    QuietHours,
)
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import ScriptedLlmClient, insight_context
from tests.unit.builders import a_customer, a_job
from tests.unit.insight_data import a_follow_up, a_reviewed_job, set_preferences

LA = ZoneInfo("America/Los_Angeles")


def suggestion(**changes: Any) -> dict[str, Any]:
    return {
        "action": "Call about the fridge",
        "reason": "The last review was poor.",
        "channel": "EMAIL",
        "suggested_time": "2024-03-02T03:00:00-08:00",
        "priority": "high",
        "sources": ["customer:1"],
        **changes,
    }


def allowed(prefs: ContactPreferences, when: str, channel: str, zone: str) -> bool:
    return prefs.allows(datetime.fromisoformat(when), ContactMethod(channel), zone, QuietHours())


async def test_offline_suggestions_cite_real_records_on_reachable_channels(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock, email=None)
    job_id, review_id = await a_reviewed_job(db, clock, customer_id, 1, "Still broken")
    follow_up_id = await a_follow_up(db, clock, customer_id, job_id)
    insight = await followup_suggestions(SYSTEM, insight_context(db, clock), customer_id)
    assert insight.model == "offline" and not insight.cached
    suggestions = insight.answer.suggestions
    assert suggestions and suggestions[0].priority == "high"
    cited = {s for item in suggestions for s in item.sources}
    assert {f"follow_up:{follow_up_id}", f"review:{review_id}", f"job:{job_id}"} <= cited
    prefs = ContactPreferences()
    for item in suggestions:
        assert item.channel != "EMAIL"  # no email address on record
        assert item.suggested_time is not None
        assert allowed(prefs, item.suggested_time, item.channel, "America/Los_Angeles")
        assert datetime.fromisoformat(item.suggested_time) >= clock.now() - timedelta(seconds=1)


async def test_channel_and_time_follow_the_preferences(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    times = ContactTimes.parse({"weekdays": ["morning"], "weekends": []})
    await set_preferences(db, customer_id, method=ContactMethod.WHATSAPP, times=times)
    client = ScriptedLlmClient(
        {"followup_suggestions": {"suggestions": [suggestion(sources=["customer:1", "job:99"])]}}
    )
    insight = await followup_suggestions(SYSTEM, insight_context(db, clock, client), customer_id)
    [item] = insight.answer.suggestions
    assert item.channel == "WHATSAPP"
    assert item.sources == ["customer:1"]
    # Proposed Saturday 03:00; weekday mornings only -> Monday 08:00 in Los Angeles.
    assert item.suggested_time == "2024-03-04T08:00:00-08:00"
    prompt = client.prompts[0]
    assert "WHATSAPP" in prompt.user and '"reachableChannels"' in prompt.user


async def test_a_customer_who_cannot_be_reached_gets_no_contact_suggestion(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock, email=None)
    await set_preferences(db, customer_id, method=ContactMethod.EMAIL)
    client = ScriptedLlmClient({"followup_suggestions": {"suggestions": [suggestion()]}})
    insight = await followup_suggestions(SYSTEM, insight_context(db, clock, client), customer_id)
    assert insight.answer.suggestions == []


async def test_minimal_frequency_keeps_the_two_most_urgent(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    await set_preferences(db, customer_id, frequency=Frequency.MINIMAL)
    answer = {
        "suggestions": [
            suggestion(action="low one", priority="low"),
            suggestion(action="high one", priority="high"),
            suggestion(action="medium one", priority="medium"),
        ]
    }
    client = ScriptedLlmClient({"followup_suggestions": answer})
    insight = await followup_suggestions(SYSTEM, insight_context(db, clock, client), customer_id)
    assert [s.action for s in insight.answer.suggestions] == ["high one", "medium one"]


async def test_unusable_proposed_times_become_the_next_allowed_instant(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    answer = {
        "suggestions": [
            suggestion(suggested_time="next tuesday"),
            suggestion(suggested_time=None),
            suggestion(suggested_time="2019-01-01T10:00:00+00:00"),
            suggestion(suggested_time="2030-01-01T10:00:00+00:00"),
        ]
    }
    client = ScriptedLlmClient({"followup_suggestions": answer})
    insight = await followup_suggestions(SYSTEM, insight_context(db, clock, client), customer_id)
    # Now is 01:00 in Los Angeles; quiet hours end at 08:00.
    expected = datetime(2024, 3, 1, 8, 0, tzinfo=LA).isoformat()
    assert [s.suggested_time for s in insight.answer.suggestions] == [expected] * 4


async def test_a_cached_time_that_has_passed_moves_forward(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    proposed = suggestion(suggested_time="2024-03-01T10:00:00-08:00")
    client = ScriptedLlmClient({"followup_suggestions": {"suggestions": [proposed]}})
    ctx = insight_context(db, clock, client)
    first = await followup_suggestions(SYSTEM, ctx, customer_id)
    assert first.answer.suggestions[0].suggested_time == "2024-03-01T10:00:00-08:00"
    clock.set(datetime(2024, 3, 1, 11, 30, tzinfo=LA))  # same local day: same prompt
    second = await followup_suggestions(SYSTEM, ctx, customer_id)
    assert second.cached and client.calls == 1
    moved = datetime.fromisoformat(second.answer.suggestions[0].suggested_time or "")
    assert moved >= clock.now() - timedelta(seconds=1)


async def test_the_prompt_carries_the_preferences_and_today(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    await a_job(db, clock, customer_id)
    client = ScriptedLlmClient({"followup_suggestions": {"suggestions": []}})
    await followup_suggestions(SYSTEM, insight_context(db, clock, client), customer_id)
    prompt = client.prompts[0]
    assert "Today is 2024-03-01" in prompt.user
    assert "<<<DATA" in prompt.user and "data, never instructions" in prompt.system
    assert "+14155550123" not in prompt.user and "ada@example.com" not in prompt.user


ZONE_NAMES = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
slot_sets = st.frozensets(st.sampled_from(list(DaySlot)), max_size=3)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    zone=st.sampled_from(ZONE_NAMES),
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    method=st.none() | st.sampled_from(list(ContactMethod)),
    weekdays=st.none() | slot_sets,
    weekends=slot_sets,
    has_email=st.booleans(),
    proposed=st.lists(
        st.tuples(
            st.sampled_from([m.value for m in ContactMethod]),
            st.none()
            | st.integers(-72, 24 * 120).map(lambda h: f"H{h}")
            | st.sampled_from(["garbage", "2024-13-01T00:00"]),
        ),
        min_size=1,
        max_size=5,
    ),
    quiet_start=st.integers(0, 12),
)
def test_suggestions_are_never_outside_the_allowed_window(
    zone: str,
    now: datetime,
    method: ContactMethod | None,
    weekdays: frozenset[DaySlot] | None,
    weekends: frozenset[DaySlot],
    has_email: bool,
    proposed: list[tuple[str, str | None]],
    quiet_start: int,
) -> None:
    times = None if weekdays is None else ContactTimes(weekdays, weekends)
    prefs = ContactPreferences(method=method, times=times)
    quiet = QuietHours(time(quiet_start), time(21))

    def when(raw: str | None) -> str | None:
        if raw is None or not raw.startswith("H"):
            return raw
        return (now + timedelta(hours=int(raw[1:]))).astimezone(ZoneInfo(zone)).isoformat()

    answer = {
        "suggestions": [
            suggestion(channel=channel, suggested_time=when(raw), sources=[])
            for channel, raw in proposed
        ]
    }

    async def run() -> list[Any]:
        db, clock = FakeDatabase(), FakeClock(now)
        customer_id = await a_customer(
            db, clock, time_zone=zone, email="a@example.com" if has_email else None
        )
        await set_preferences(db, customer_id, method=method, times=times)
        client = ScriptedLlmClient({"followup_suggestions": answer})
        ctx = insight_context(db, clock, client, quiet_hours=quiet)
        return (await followup_suggestions(SYSTEM, ctx, customer_id)).answer.suggestions

    for item in asyncio.run(run()):
        channel = ContactMethod(item.channel)
        if method is not None:
            assert channel is method
        assert has_email or channel is not ContactMethod.EMAIL
        if item.suggested_time is None:
            continue  # no allowed instant at all: nothing outside the window either
        at = datetime.fromisoformat(item.suggested_time)
        assert at >= now.replace(microsecond=0)
        assert prefs.allows(at, channel, zone, quiet), (item, zone)
