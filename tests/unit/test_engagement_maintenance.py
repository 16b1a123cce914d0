"""Predictive maintenance over the fakes: alerts per appliance, reminders within the horizon
only, queued with the alert, once per appliance and due date."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from application.engagement import refresh_maintenance_alerts
from application.llm.errors import LlmInvalidReply
from domain.contact_preferences import ContactMethod
from domain.maintenance_alert import AlertStatus
from domain.messaging.message import MessageStatus, Purpose
from tests.engagement_fakes import ScriptedLlm, engagement_context
from tests.engagement_scenarios import Shop
from tests.fakes import FakeClock, FakeDatabase

TASK = "maintenance.v1"
TODAY = date(2024, 3, 1)  # the FakeClock's day


async def _alert_of(db: FakeDatabase, appliance_id: int):  # type: ignore[no-untyped-def]
    return next(a for a in db.rows("maintenance_alerts") if a.appliance_id == appliance_id)


async def _one_appliance(
    db: FakeDatabase, clock: FakeClock, due: date
) -> tuple[Shop, int, int, ScriptedLlm]:
    """A consenting customer with one appliance the model says is due on `due`."""
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    await shop.consent_to_marketing(customer)
    appliance = await shop.appliance(customer)
    llm = ScriptedLlm()
    llm.due_dates = {appliance: due}
    return shop, customer, appliance, llm


async def test_alerts_for_every_appliance_reminders_within_the_horizon_only(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    await shop.consent_to_marketing(customer)
    soon, later, overdue = (
        await shop.appliance(customer),
        await shop.appliance(customer, "washer"),
        await shop.appliance(customer, "dryer"),
    )
    llm = ScriptedLlm()
    llm.due_dates = {
        soon: TODAY + timedelta(days=14),  # the horizon's last day
        later: TODAY + timedelta(days=15),
        overdue: TODAY - timedelta(days=3),
    }
    ctx = engagement_context(db, clock, llm, horizon_days=14)

    assert await refresh_maintenance_alerts(ctx) == 3 + 2

    alerts = {a.appliance_id: a for a in db.rows("maintenance_alerts")}
    assert {k: a.due_date for k, a in alerts.items()} == llm.due_dates
    assert all(a.status is AlertStatus.OPEN and a.customer_id == customer for a in alerts.values())
    assert all(a.confidence == 0.7 and a.reason for a in alerts.values())
    messages = db.rows("messages")
    assert sorted(m.idempotency_key for m in messages) == sorted(
        [
            f"maintenance:{soon}:{(TODAY + timedelta(days=14)).isoformat()}",
            f"maintenance:{overdue}:{(TODAY - timedelta(days=3)).isoformat()}",
        ]
    )
    for m in messages:
        assert m.purpose is Purpose.MARKETING and m.status is MessageStatus.PENDING_APPROVAL
        assert m.customer_id == customer and m.channel is ContactMethod.SMS
        assert "is due for maintenance around" in m.body and "Reply STOP" in m.body
    assert llm.calls[TASK] == 1  # one prediction call per customer


async def test_a_second_run_stores_and_queues_nothing(db: FakeDatabase, clock: FakeClock) -> None:
    _, _, _, llm = await _one_appliance(db, clock, TODAY + timedelta(days=3))
    ctx = engagement_context(db, clock, llm)
    assert await refresh_maintenance_alerts(ctx) == 2
    snapshot = db.snapshot()

    clock.advance(hours=1)
    assert await refresh_maintenance_alerts(ctx) == 0
    assert db.snapshot() == snapshot
    assert llm.calls[TASK] == 1


async def test_an_alert_entering_the_horizon_is_reminded_without_a_new_prediction(
    db: FakeDatabase, clock: FakeClock
) -> None:
    _, _, appliance, llm = await _one_appliance(db, clock, TODAY + timedelta(days=30))
    ctx = engagement_context(db, clock, llm, horizon_days=14)
    assert await refresh_maintenance_alerts(ctx) == 1
    assert db.rows("messages") == []

    clock.advance(days=15)  # now due in 15 days: still outside
    assert await refresh_maintenance_alerts(ctx) == 0
    clock.advance(days=1)  # due in 14 days
    assert await refresh_maintenance_alerts(ctx) == 1
    assert [m.idempotency_key for m in db.rows("messages")] == [
        f"maintenance:{appliance}:{(TODAY + timedelta(days=30)).isoformat()}"
    ]
    assert llm.calls[TASK] == 1


async def test_servicing_the_appliance_re_predicts_and_reopens_the_alert(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop, customer, appliance, llm = await _one_appliance(db, clock, TODAY + timedelta(days=5))
    ctx = engagement_context(db, clock, llm)
    assert await refresh_maintenance_alerts(ctx) == 2
    async with db.uow() as uow:
        alert = (await uow.maintenance_alerts.for_appliances([appliance]))[appliance]
        alert.move_to(AlertStatus.ACKNOWLEDGED, clock.now())
        await uow.maintenance_alerts.update(alert)
        await uow.commit()

    clock.advance(days=4)
    await shop.job(customer, clock.now(), clock.now(), appliance_id=appliance)  # serviced
    clock.advance(hours=1)
    next_due = TODAY + timedelta(days=370)
    llm.due_dates = {appliance: next_due}
    assert await refresh_maintenance_alerts(ctx) == 1  # revised; too far out to remind
    alert = await _alert_of(db, appliance)
    assert (alert.due_date, alert.status) == (next_due, AlertStatus.OPEN)
    assert llm.calls[TASK] == 2
    assert len(db.rows("messages")) == 1


@pytest.mark.parametrize("closed", [AlertStatus.DONE, AlertStatus.DISMISSED])
async def test_closed_alerts_and_customers_without_consent_get_no_reminder(
    db: FakeDatabase, clock: FakeClock, closed: AlertStatus
) -> None:
    shop = Shop(db.uow, clock)
    no_consent = await shop.customer()
    a1 = await shop.appliance(no_consent)
    consenting = await shop.customer()
    await shop.consent_to_marketing(consenting)
    a2 = await shop.appliance(consenting)
    llm = ScriptedLlm()
    llm.due_dates = {a1: TODAY + timedelta(days=30), a2: TODAY + timedelta(days=30)}
    ctx = engagement_context(db, clock, llm)
    assert await refresh_maintenance_alerts(ctx) == 2  # two alerts, nothing in the horizon
    async with db.uow() as uow:
        alert = (await uow.maintenance_alerts.for_appliances([a2]))[a2]
        alert.move_to(closed, clock.now())
        await uow.maintenance_alerts.update(alert)
        await uow.commit()

    clock.advance(days=20)
    assert await refresh_maintenance_alerts(ctx) == 0
    assert db.rows("messages") == []


async def test_the_reminder_waits_for_the_customers_quiet_hours(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer(time_zone="America/Los_Angeles")  # 09:00 UTC = 01:00 there
    await shop.consent_to_marketing(customer)
    appliance = await shop.appliance(customer)
    llm = ScriptedLlm()
    llm.due_dates = {appliance: TODAY}
    await refresh_maintenance_alerts(engagement_context(db, clock, llm))
    (message,) = db.rows("messages")
    assert message.scheduled_for == datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # 08:00 local


class BadReply(ScriptedLlm):
    def _maintenance(self, g):  # type: ignore[no-untyped-def]
        raise LlmInvalidReply("not json")


async def test_without_a_usable_prediction_the_service_interval_decides(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    installed = date(2023, 6, 1)
    appliance = await shop.appliance(customer, "washer", installed_on=installed)
    assert await refresh_maintenance_alerts(engagement_context(db, clock, BadReply())) == 1
    alert = await _alert_of(db, appliance)
    assert alert.due_date == installed + timedelta(days=365)
    assert alert.confidence == 0.6 and "installed" in alert.reason


class LeavesOut(ScriptedLlm):
    def _maintenance(self, g):  # type: ignore[no-untyped-def]
        answer = super()._maintenance(g)
        answer["predictions"] = answer["predictions"][:1]
        return answer


async def test_an_appliance_the_answer_leaves_out_gets_the_interval_estimate(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    customer = await shop.customer()
    await shop.appliance(customer)
    await shop.appliance(customer, "oven")
    assert await refresh_maintenance_alerts(engagement_context(db, clock, LeavesOut())) == 2
    assert len(db.rows("maintenance_alerts")) == 2


async def test_two_racing_runs_write_one_alert_and_one_reminder_per_appliance(
    db: FakeDatabase, clock: FakeClock
) -> None:
    shop = Shop(db.uow, clock)
    appliances = []
    for _ in range(3):
        customer = await shop.customer()
        await shop.consent_to_marketing(customer)
        appliances.append(await shop.appliance(customer))
    llm = ScriptedLlm()
    llm.due_dates = dict.fromkeys(appliances, TODAY + timedelta(days=2))
    first, second = engagement_context(db, clock, llm), engagement_context(db, clock, llm)

    results = await asyncio.gather(
        refresh_maintenance_alerts(first), refresh_maintenance_alerts(second)
    )

    assert sum(results) == 2 * 3
    assert len(db.rows("maintenance_alerts")) == 3
    assert len(db.rows("messages")) == 3
