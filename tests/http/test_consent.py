"""/customers/{id}/consent through the real app: the ledger's state and history, staff
recording an opt-out, and sends that honour it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from application.outbox.dispatch import dispatch_due
from application.outbox.enqueue import enqueue
from application.outbox.outcome import DispatchReport
from domain.contact_preferences import ContactMethod, QuietHours
from domain.messaging.message import Purpose, compose
from tests.fakes import FakeClock, FakeSender
from tests.http.conftest import assert_problem
from tests.http.helpers import create_customer

NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # a Monday afternoon in UTC


@pytest.fixture
def clock(container) -> FakeClock:
    clock = FakeClock(NOW)
    container.clock.override(providers.Object(clock))
    return clock


def state_of(states: list[dict[str, Any]], channel: str, purpose: str) -> dict[str, Any]:
    [state] = [s for s in states if (s["channel"], s["purpose"]) == (channel, purpose)]
    return state


async def get_consent(client, headers, customer_id: int, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/customers/{customer_id}/consent", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def put_consent(client, headers, customer_id: int, **body: Any) -> dict[str, Any]:
    response = await client.put(f"/customers/{customer_id}/consent", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def queue(container, clock, customer_id: int, purpose: Purpose, key: str) -> int:
    async with container.uow() as uow:
        customer = await uow.customers.get(customer_id)
        now = clock.now()
        message = compose(customer, purpose, "Hello", key, now, now, ContactMethod.SMS)
        stored = await enqueue(uow.messages, message)
        await uow.commit()
    assert stored.id is not None
    return stored.id


async def test_a_new_customer_has_the_defaults_and_no_history(client, office) -> None:
    customer = await create_customer(client, office)
    consent = await get_consent(client, office, customer["id"])
    assert consent["history"] == [] and consent["historyTotal"] == 0
    assert len(consent["state"]) == len(ContactMethod) * len(Purpose)
    for state in consent["state"]:
        assert state["allowed"] is (state["purpose"] == "TRANSACTIONAL")
        assert state["since"] is None and state["source"] is None


async def test_staff_record_an_sms_opt_out_by_phone_and_a_marketing_sms_is_suppressed(
    client, office, container, clock
) -> None:
    customer = await create_customer(client, office)
    cid = customer["id"]
    agreed = {"preferredContactMethod": "SMS", "marketingConsent": True}
    response = await client.put(
        f"/customers/{cid}/communication-preferences", json=agreed, headers=office
    )
    assert response.status_code == 200 and response.json()["marketingConsent"] is True
    clock.advance(minutes=5)

    body = {"channel": "SMS", "purpose": "MARKETING", "allowed": False, "note": "told us by phone"}
    after = await put_consent(client, office, cid, **body)
    sms = state_of(after["state"], "SMS", "MARKETING")
    assert sms["allowed"] is False and sms["source"].startswith("staff:")
    assert datetime.fromisoformat(sms["since"]) == clock.now()
    assert state_of(after["state"], "SMS", "TRANSACTIONAL")["allowed"] is True
    assert state_of(after["state"], "EMAIL", "MARKETING")["allowed"] is True  # other channels stand

    marketing = await queue(container, clock, cid, Purpose.MARKETING, "offer-1")
    service = await queue(container, clock, cid, Purpose.TRANSACTIONAL, "visit-1")
    sender = FakeSender(clock)
    report = await dispatch_due(container.uow, clock, sender, QuietHours())
    assert report == DispatchReport(sent=1, suppressed=1) and sender.sent_ids() == [service]
    message = (await client.get(f"/messages/{marketing}", headers=office)).json()
    assert message["status"] == "SUPPRESSED" and "consent" in message["lastError"]

    consent = await get_consent(client, office, cid)
    sms_history = [e for e in consent["history"] if e["channel"] == "SMS"]
    newest, oldest = sms_history  # both entries: the new one first
    assert (newest["allowed"], newest["note"], newest["source"]) == (
        False,
        "told us by phone",
        f"staff:{newest['actorUserId']}",
    )
    assert (oldest["purpose"], oldest["allowed"], oldest["source"]) == (
        "MARKETING",
        True,
        "customer record",
    )
    assert consent["historyTotal"] == len(ContactMethod) + 1
    view = (await client.get(f"/customers/{cid}", headers=office)).json()
    assert state_of(view["consent"], "SMS", "MARKETING") == sms
    assert view["marketingConsent"] is True  # marketing still allowed by email, WhatsApp


async def test_the_marketing_flag_follows_the_ledger(client, office) -> None:
    cid = (await create_customer(client, office))["id"]
    await put_consent(client, office, cid, channel="EMAIL", purpose="MARKETING", allowed=True)
    view = (await client.get(f"/customers/{cid}", headers=office)).json()
    assert view["marketingConsent"] is True
    assert state_of(view["consent"], "EMAIL", "MARKETING")["allowed"] is True
    await put_consent(client, office, cid, channel="EMAIL", purpose="MARKETING", allowed=False)
    assert (await client.get(f"/customers/{cid}", headers=office)).json()[
        "marketingConsent"
    ] is False


async def test_history_is_paged_newest_first(client, office) -> None:
    cid = (await create_customer(client, office))["id"]
    for allowed in (False, True, False):
        await put_consent(
            client, office, cid, channel="PHONE", purpose="TRANSACTIONAL", allowed=allowed
        )
    page = await get_consent(client, office, cid, limit=2, offset=1)
    assert page["historyTotal"] == 3
    assert [e["allowed"] for e in page["history"]] == [True, False]
    assert page["history"][0]["id"] > page["history"][1]["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "PIGEON", "purpose": "MARKETING", "allowed": False}, "channel"),
        ({"channel": "SMS", "purpose": "SPAM", "allowed": False}, "purpose"),
        ({"channel": "SMS", "purpose": "MARKETING", "allowed": "no"}, "allowed"),
        ({"channel": "SMS", "purpose": "MARKETING"}, "allowed"),
        ({"channel": "SMS", "purpose": "MARKETING", "allowed": False, "note": "x" * 501}, "note"),
    ],
)
async def test_bad_input_is_rejected_naming_the_field(client, office, body, field) -> None:
    cid = (await create_customer(client, office))["id"]
    response = await client.put(f"/customers/{cid}/consent", json=body, headers=office)
    problem = assert_problem(response, 400)
    assert field in response.text, problem
    assert (await get_consent(client, office, cid))["historyTotal"] == 0


async def test_a_missing_customer_is_404(client, office) -> None:
    assert_problem(await client.get("/customers/999999/consent", headers=office), 404)
    body = {"channel": "SMS", "purpose": "MARKETING", "allowed": False}
    assert_problem(await client.put("/customers/999999/consent", json=body, headers=office), 404)
