"""The engagement passes' SQL selections on SQLite and PostgreSQL: the same rules as the
domain (and the fakes), each in one statement; and the survey guarantee on a real database
with two passes racing."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cache.memory import MemoryCache
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from application.engagement import (
    EngagementContext,
    daily_follow_up_suggestions,
    queue_post_service_surveys,
    refresh_maintenance_alerts,
)
from application.llm.gateway import LlmGateway
from application.pagination import ListQuery
from domain.attention import AttentionCriteria, needing_attention
from domain.follow_up import FollowUp, suggestion_key
from domain.maintenance_alert import AlertStatus, MaintenanceAlert, Prediction, reminder_key
from domain.survey_window import SurveyWindow, survey_key
from entrypoints.container import Container
from tests.engagement_fakes import ScriptedLlm
from tests.engagement_scenarios import Shop, attention_history
from tests.fakes import FakeClock
from tests.statement_capture import statements_sent

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
DAY = timedelta(days=1)


@pytest.fixture
def clock(container: Container) -> FakeClock:
    clock = FakeClock(NOW)
    container.clock.override(clock)
    return clock


@pytest.fixture
def shop(container: Container, clock: FakeClock) -> Shop:
    return Shop(container.uow, clock)


@pytest.fixture
def queries(engine: AsyncEngine) -> SqlEngagementQueries:
    return SqlEngagementQueries(engine)


def scripted(container: Container, llm: ScriptedLlm) -> EngagementContext:
    """The container's context, with a scripted model behind a real gateway."""
    ctx = container.engagement_context()
    gateway = LlmGateway(llm, MemoryCache(), ttl_seconds=60)
    return dataclasses.replace(ctx, insights=dataclasses.replace(ctx.insights, llm=gateway))


async def test_customers_needing_attention_follow_the_rules_in_one_statement(
    shop: Shop, queries: SqlEngagementQueries, engine: AsyncEngine
) -> None:
    expected = await attention_history(shop, NOW)
    with statements_sent(engine) as statements:
        signals = await queries.customers_needing_attention(AttentionCriteria.at(NOW))
    assert len(statements) == 1
    picked = {n.customer_id: (n.job_id, n.reasons) for n in needing_attention(signals)}
    assert picked == {c: (e.job_id, e.reasons) for c, e in expected.items()}
    assert all(s.at.tzinfo is not None for s in signals)


async def test_a_suggestion_handles_the_signals_before_it(
    shop: Shop, queries: SqlEngagementQueries, container: Container
) -> None:
    expected = await attention_history(shop, NOW)
    handled = min(expected)
    job_id = expected[handled].job_id
    async with container.uow() as uow:
        key = suggestion_key(handled, job_id, TODAY, 0)
        await uow.follow_ups.add(FollowUp.suggest(job_id, handled, "Call", key, NOW))
        await uow.commit()
    signals = await queries.customers_needing_attention(AttentionCriteria.at(NOW))
    assert {s.customer_id for s in signals} == set(expected) - {handled}
    later = await queries.customers_needing_attention(AttentionCriteria.at(NOW + DAY))
    assert handled not in {s.customer_id for s in later}


async def test_the_daily_pass_on_the_database_stores_once(
    shop: Shop, container: Container, clock: FakeClock
) -> None:
    expected = await attention_history(shop, NOW)
    llm = ScriptedLlm()
    first, second = scripted(container, llm), scripted(container, llm)
    results = await asyncio.gather(
        daily_follow_up_suggestions(first), daily_follow_up_suggestions(second)
    )
    assert sum(results) == 2 * len(expected)
    clock.advance(hours=3)
    assert await daily_follow_up_suggestions(first) == 0
    async with container.uow() as uow:
        page = await uow.follow_ups.list(ListQuery(limit=200, filters={"status": "PENDING"}))
    stored = [f for f in page.items if f.suggestion is not None]
    assert len(stored) == 2 * len(expected)
    assert {f.customer_id: f.job_id for f in stored} == {c: e.job_id for c, e in expected.items()}


async def _alert(container: Container, appliance_id: int, due: date, status: AlertStatus) -> None:
    async with container.uow() as uow:
        appliance = await uow.appliances.get(appliance_id)
        assert appliance is not None
        alert = MaintenanceAlert.raise_for(
            appliance_id, appliance.details.customer_id, Prediction(due, 0.5, "x"), NOW
        )
        alert.move_to(status, NOW) if status is not AlertStatus.OPEN else None
        await uow.maintenance_alerts.add(alert)
        await uow.commit()


async def test_appliances_for_maintenance(
    shop: Shop,
    queries: SqlEngagementQueries,
    container: Container,
    engine: AsyncEngine,
    clock: FakeClock,
) -> None:
    consenting = await shop.customer()
    await shop.consent_to_marketing(consenting)
    other = await shop.customer()
    before = NOW - DAY
    no_alert = await shop.appliance(consenting, at=before)
    assessed = await shop.appliance(consenting, at=before)  # alert newer, due far out
    changed = await shop.appliance(consenting, at=before)  # serviced after its alert
    due_soon = await shop.appliance(consenting, at=before)
    reminded = await shop.appliance(consenting, at=before)
    done = await shop.appliance(consenting, at=before)
    beyond = await shop.appliance(consenting, at=before)
    no_consent = await shop.appliance(other, at=before)
    horizon_end = TODAY + 14 * DAY
    await _alert(container, assessed, TODAY + 60 * DAY, AlertStatus.OPEN)
    await _alert(container, changed, TODAY + 60 * DAY, AlertStatus.OPEN)
    await _alert(container, due_soon, horizon_end, AlertStatus.ACKNOWLEDGED)
    await _alert(container, reminded, TODAY - 2 * DAY, AlertStatus.OPEN)
    await _alert(container, done, TODAY, AlertStatus.DONE)
    await _alert(container, beyond, horizon_end + DAY, AlertStatus.OPEN)
    await _alert(container, no_consent, TODAY, AlertStatus.OPEN)
    await shop.sent_message(consenting, NOW, reminder_key(reminded, TODAY - 2 * DAY))
    clock.advance(hours=1)
    await shop.job(consenting, clock.now(), clock.now(), appliance_id=changed)

    with statements_sent(engine) as statements:
        found = await queries.appliances_for_maintenance(horizon_end)
    assert len(statements) == 1
    assert [(c.appliance_id, c.customer_id, c.predict, c.remind) for c in found] == [
        (no_alert, consenting, True, False),
        (changed, consenting, True, False),
        (due_soon, consenting, False, True),
    ]


async def test_jobs_due_for_survey(
    shop: Shop, queries: SqlEngagementQueries, engine: AsyncEngine
) -> None:
    window = SurveyWindow.at(NOW, timedelta(days=3))
    c = await shop.customer()
    unreachable = await shop.customer(phone=None, email=None)
    email_only = await shop.customer(phone=None)
    at_edge = await shop.job(c, window.before - DAY, window.before)
    just_late = await shop.job(c, window.after - DAY, window.after)  # excluded: (after, ...
    await shop.job(c, window.before - DAY, window.before + timedelta(seconds=1))  # too early
    oldest = await shop.job(c, window.after - DAY, window.after + timedelta(seconds=1))
    surveyed = await shop.job(c, window.before - 2 * DAY, window.before - DAY)
    await shop.job(c, window.before - 2 * DAY)  # never completed
    await shop.job(unreachable, window.before - 2 * DAY, window.before - DAY)
    by_email = await shop.job(email_only, window.before - 2 * DAY, window.before - DAY)
    await shop.sent_message(c, NOW, survey_key(surveyed))
    assert just_late not in (at_edge, oldest)

    with statements_sent(engine) as statements:
        due = await queries.jobs_due_for_survey(window.after, window.before, 10)
    assert len(statements) == 1
    assert [d.job_id for d in due] == [oldest, by_email, at_edge]
    assert due[0].customer_id == c and due[0].completion_date == window.after + timedelta(seconds=1)
    limited = await queries.jobs_due_for_survey(window.after, window.before, 2)
    assert [d.job_id for d in limited] == [oldest, by_email]


async def test_two_racing_survey_passes_queue_one_survey_per_job(
    shop: Shop, container: Container, clock: FakeClock
) -> None:
    jobs = []
    for _ in range(5):
        customer = await shop.customer()
        jobs.append(await shop.job(customer, NOW - DAY, NOW - timedelta(hours=1)))
    clock.advance(days=3)
    llm = ScriptedLlm()
    ctx = scripted(container, llm)  # one gateway: both passes resume from the same answer

    results = await asyncio.gather(queue_post_service_surveys(ctx), queue_post_service_surveys(ctx))

    assert sum(results) == len(jobs)
    assert await queue_post_service_surveys(ctx) == 0
    async with container.uow() as uow:
        messages = (await uow.messages.list(ListQuery(limit=100))).items
    assert sorted(m.idempotency_key for m in messages) == sorted(survey_key(j) for j in jobs)


async def test_the_maintenance_pass_on_the_database_is_idempotent(
    shop: Shop, container: Container, clock: FakeClock
) -> None:
    customer = await shop.customer()
    await shop.consent_to_marketing(customer)
    appliances = [await shop.appliance(customer) for _ in range(3)]
    llm = ScriptedLlm()
    llm.due_dates = {appliances[0]: TODAY + 3 * DAY, appliances[1]: TODAY + 90 * DAY}
    ctx = scripted(container, llm)
    # the third has no history: the baseline says an inspection is due today
    results = await asyncio.gather(
        refresh_maintenance_alerts(ctx), refresh_maintenance_alerts(scripted(container, llm))
    )
    assert sum(results) == 3 + 2  # three alerts, two reminders, whoever wrote them
    clock.advance(hours=1)
    assert await refresh_maintenance_alerts(ctx) == 0
    async with container.uow() as uow:
        alerts = await uow.maintenance_alerts.for_appliances(appliances)
        messages = (await uow.messages.list(ListQuery(limit=100))).items
    assert {a: alert.due_date for a, alert in alerts.items()} == {
        appliances[0]: TODAY + 3 * DAY,
        appliances[1]: TODAY + 90 * DAY,
        appliances[2]: TODAY,
    }
    assert sorted(m.idempotency_key for m in messages) == sorted(
        [reminder_key(appliances[0], TODAY + 3 * DAY), reminder_key(appliances[2], TODAY)]
    )
