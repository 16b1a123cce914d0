"""Maintenance predictions: grounded on age and service history, sanity-checked dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from application.access import SYSTEM
from application.insights.maintenance_prediction import (
    SPEC,
    predict_appliance_maintenance,
    predict_customer_maintenance,
)
from domain.errors import NotFound
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import ScriptedLlmClient, insight_context
from tests.unit.builders import a_completed_job, a_customer, an_appliance


def prediction(appliance_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "appliance_id": appliance_id,
        "due_date": "2024-08-28",
        "confidence": 0.7,
        "reason": "Serviced in March; HVAC every 180 days.",
        "sources": [f"appliance:{appliance_id}"],
        **changes,
    }


async def test_offline_prediction_from_the_last_service(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    appliance_id = await an_appliance(
        db, clock, customer_id, type="hvac", installed_on=date(2015, 5, 1)
    )
    job_id = await a_completed_job(db, clock, customer_id, appliance_id=appliance_id)
    insight = await predict_appliance_maintenance(SYSTEM, insight_context(db, clock), appliance_id)
    [p] = insight.answer.predictions
    # Serviced 2024-03-01, 8 years old: 180 days; old appliances (>= 10 years) come sooner.
    assert p.appliance_id == appliance_id
    assert p.due_date == "2024-08-28" and p.confidence == 0.8
    assert p.sources == [f"appliance:{appliance_id}", f"job:{job_id}"]
    assert insight.model == "offline"


async def test_customer_batch_covers_every_appliance(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    oven = await an_appliance(db, clock, customer_id, type="oven", installed_on=date(2023, 1, 1))
    dryer = await an_appliance(db, clock, customer_id, type="dryer")
    insight = await predict_customer_maintenance(SYSTEM, insight_context(db, clock), customer_id)
    due = {p.appliance_id: (p.due_date, p.confidence) for p in insight.answer.predictions}
    assert due == {oven: ("2024-12-31", 0.6), dryer: ("2024-03-01", 0.3)}


async def test_the_check_drops_unknown_appliances_and_repairs_dates(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    hvac = await an_appliance(db, clock, customer_id, type="hvac")
    fridge = await an_appliance(db, clock, customer_id, type="refrigerator")
    washer = await an_appliance(db, clock, customer_id, type="washer")
    await a_completed_job(db, clock, customer_id, appliance_id=hvac)
    other_customer = await a_customer(db, clock, name="Other")
    foreign = await an_appliance(db, clock, other_customer)
    answer = {
        "predictions": [
            prediction(hvac, sources=[f"appliance:{hvac}", "job:77"]),
            prediction(hvac, due_date="2030-01-01"),  # a second one for the same appliance
            prediction(fridge, due_date="2024-02-30", confidence=1),  # not a date
            prediction(washer, due_date="2031-06-01"),  # far beyond two intervals
            prediction(foreign),
            prediction(12345),
        ]
    }
    client = ScriptedLlmClient({"maintenance": answer})
    insight = await predict_customer_maintenance(
        SYSTEM, insight_context(db, clock, client), customer_id
    )
    got = {p.appliance_id: p for p in insight.answer.predictions}
    assert set(got) == {hvac, fridge, washer}
    assert got[hvac].due_date == "2024-08-28" and got[hvac].sources == [f"appliance:{hvac}"]
    # No history for the fridge and washer: baseline today, confidence capped at 0.3.
    assert got[fridge].due_date == "2024-03-01" and got[fridge].confidence == 0.3
    assert got[washer].due_date == "2024-03-01" and "service interval" in got[washer].reason
    assert all(0 <= p.confidence <= 1 for p in got.values())


async def test_the_prompt_grounds_on_history_and_baseline(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    appliance = await an_appliance(
        db, clock, customer_id, type="hvac", installed_on=date(2010, 1, 1)
    )
    client = ScriptedLlmClient({"maintenance": {"predictions": []}})
    await predict_appliance_maintenance(SYSTEM, insight_context(db, clock, client), appliance)
    facts = client.prompts[0].grounding["appliances"][0]
    assert facts["ageYears"] == 14 and facts["serviceIntervalDays"] == 135
    assert facts["baseline"]["dueDate"] == "2010-05-16"
    assert "Today is 2024-03-01" in client.prompts[0].user


async def test_an_unknown_appliance_is_not_found(db: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        await predict_appliance_maintenance(SYSTEM, insight_context(db, clock), 404)
    with pytest.raises(NotFound):
        await predict_customer_maintenance(SYSTEM, insight_context(db, clock), 404)


async def test_the_date_is_today_where_the_customer_lives(
    db: FakeDatabase, clock: FakeClock
) -> None:
    clock.set(datetime(2024, 3, 1, 3, 0, tzinfo=UTC))  # still 29 February in Los Angeles
    customer_id = await a_customer(db, clock)
    dryer = await an_appliance(db, clock, customer_id, type="dryer")
    insight = await predict_customer_maintenance(SYSTEM, insight_context(db, clock), customer_id)
    assert insight.answer.predictions[0].appliance_id == dryer
    assert insight.answer.predictions[0].due_date == "2024-02-29"


async def test_the_shop_history_sets_the_interval_with_a_window(
    db: FakeDatabase, clock: FakeClock
) -> None:
    """Other customers' washers came back every ~100 days: that, not the fixed 365 days."""
    start = clock.now()
    others = await a_customer(db, clock, name="Others")
    for n in range(4):
        washer = await an_appliance(db, clock, others, type="Washer", brand="LG")
        clock.set(start)
        for visit in range(4):
            clock.set(start + timedelta(days=visit * (98 + n)))
            await a_completed_job(db, clock, others, appliance_id=washer)
    clock.set(start + timedelta(days=330))
    customer_id = await a_customer(db, clock)
    mine = await an_appliance(db, clock, customer_id, type="washing machine", brand="Bosch")
    await a_completed_job(db, clock, customer_id, appliance_id=mine)
    insight = await predict_customer_maintenance(SYSTEM, insight_context(db, clock), customer_id)
    [p] = insight.answer.predictions
    assert (p.basis, p.observations) == ("kind", 12)
    serviced = (start + timedelta(days=330)).date()
    assert date.fromisoformat(p.due_date) - serviced == timedelta(days=99)
    assert p.due_low is not None and p.due_high is not None
    assert p.due_low <= p.due_date <= p.due_high
    assert "median of 12 service intervals of washers in this shop" in p.reason


async def test_without_history_the_fixed_interval_is_said_to_be_the_basis(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    oven = await an_appliance(db, clock, customer_id, type="oven", installed_on=date(2023, 1, 1))
    insight = await predict_customer_maintenance(SYSTEM, insight_context(db, clock), customer_id)
    [p] = insight.answer.predictions
    assert (p.basis, p.observations, p.due_low, p.due_high) == ("fixed_interval", 0, None, None)
    assert p.appliance_id == oven and "usual 730-day interval" in p.reason


def test_the_schema_sent_to_the_model_stays_strict() -> None:
    """The history fields have defaults for decoding, but structured output's strict mode
    wants every property required and no `default` keyword."""
    item = SPEC.schema["properties"]["predictions"]["items"]
    assert set(item["required"]) == set(item["properties"]) >= {"due_low", "basis"}
    assert "default" not in json.dumps(SPEC.schema)
