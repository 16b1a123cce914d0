"""The office's working day, end to end through the real app on both databases: find a
caller, read their screen, act on a suggestion, hear back from the provider, work the call
list, send an ad-hoc greeting once, record an opt-out given by phone, and read a survey
reply. Each step goes through the HTTP API; the workers' passes run as the scheduler runs
them (`dispatch_due`, `queue_post_service_surveys`) against the same container."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from application.engagement import queue_post_service_surveys
from application.engagement.suggestions import suggestion_text
from application.outbox.dispatch import dispatch_due
from domain.contact_preferences import QuietHours
from domain.follow_up import FollowUp
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.fakes import FakeClock
from tests.http.conftest import NOW
from tests.http.helpers import create_appliance, create_completed_job, create_customer
from tests.http.office_work import raise_alert
from tests.http.outbox_sending import SendingAtOnce
from tests.http.test_twilio_webhooks import ENV, INBOUND, STATUS, callback, post
from tests.unit.test_follow_up_actions import a_suggestion

PHONE = "+1 415 555 0123"  # as the office types it; stored as E.164
Headers = dict[str, str]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Twilio configured, so its signed webhooks are live."""
    base = Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test")
    return base.replace(messaging=Settings.from_env(ENV).messaging)


async def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def suggest(container: Any, clock: FakeClock, job: dict[str, Any], at: datetime) -> int:
    """A PENDING suggestion as the daily suggestion pass stores it."""
    text = suggestion_text(a_suggestion("Ask Ada for a review", "SMS", at.isoformat()), ())
    async with container.uow() as uow:
        suggestion = FollowUp.suggest(
            job["id"], job["customerId"], text, f"day:{job['id']}", clock.now()
        )
        stored = await uow.follow_ups.add(suggestion)
        await uow.commit()
    assert stored.id is not None
    return stored.id


async def test_the_office_day_end_to_end(
    client: Any, office: Headers, container: Any, clock: FakeClock, sending: SendingAtOnce
) -> None:
    # Morning: yesterday's work as the workers left it.
    ada = await create_customer(client, office, phone=PHONE, email="ada@example.com")
    await create_customer(client, office, name="Bob Stone", phone="+14155559876")
    job = await create_completed_job(client, office, ada["id"])
    technician = await ok(await client.get(f"/technicians/{job['technicianId']}", headers=office))
    appliance = await create_appliance(client, office, ada["id"])
    alert_id = await raise_alert(container, ada["id"], appliance["id"])
    suggestion_id = await suggest(container, clock, job, NOW + timedelta(hours=1))

    # The phone rings: the office finds the caller by the last 4 digits, typed with a space.
    found = await ok(await client.get("/customers", params={"q": "01 23"}, headers=office))
    assert [c["id"] for c in found["items"]] == [ada["id"]]

    # Ada's screen: the open alert, her consent, named technicians, the suggestion.
    view = await ok(await client.get(f"/customers/{ada['id']}", headers=office))
    assert [a["id"] for a in view["maintenanceAlerts"]] == [alert_id]
    named = {"id": technician["id"], "name": technician["name"]}
    assert [j["technician"] for j in view["jobs"]] == [named]
    [pending] = [f for f in view["followUps"] if f["id"] == suggestion_id]
    assert pending["status"] == "PENDING" and "Ask Ada for a review" in pending["suggestion"]
    assert pending["technician"] == named
    consent = {(c["channel"], c["purpose"]): c["allowed"] for c in view["consent"]}
    assert consent[("SMS", "TRANSACTIONAL")] is True and consent[("SMS", "MARKETING")] is False

    # The office sends the suggestion (AI text: held until approved) and approves it; the
    # dispatcher sends it at its time; Twilio confirms.
    sent = await ok(await client.post(f"/follow-ups/{suggestion_id}/send", headers=office), 201)
    message_id = sent["message"]["id"]
    assert sent["followUp"]["status"] == "SCHEDULED" and sending.sender.sent == []
    assert sent["message"]["status"] == "PENDING_APPROVAL"
    approved = await client.post(f"/messages/{message_id}/approve", headers=office)
    assert (await ok(approved))["status"] == "SCHEDULED"
    clock.advance(hours=1)
    report = await dispatch_due(container.uow, clock, sending.sender, QuietHours())
    assert report.sent == 1 and sending.sender.sent_ids() == [message_id]
    message = await ok(await client.get(f"/messages/{message_id}", headers=office))
    assert (await post(client, STATUS, callback(message, "delivered"))).status_code in (200, 204)
    view = await ok(await client.get(f"/customers/{ada['id']}", headers=office))
    [done] = [f for f in view["followUps"] if f["id"] == suggestion_id]
    assert done["status"] == "SENT"
    assert (await ok(await client.get(f"/messages/{message_id}", headers=office)))["status"] == (
        "DELIVERED"
    )

    # A PHONE message becomes a call on the office's list; they leave a voicemail.
    body = {"jobId": job["id"], "message": {"body": "Call about the seal", "channel": "PHONE"}}
    phoned = await ok(await client.post("/follow-ups", json=body, headers=office), 201)
    await dispatch_due(container.uow, clock, sending.sender, QuietHours())
    calls = await ok(await client.get("/call-tasks", params={"status": "OPEN"}, headers=office))
    [call] = calls["items"]
    assert call["customerId"] == ada["id"] and call["body"] == "Call about the seal"
    outcome = {"outcome": "LEFT_VOICEMAIL", "note": "asked her to call back"}
    completed = await ok(
        await client.post(f"/call-tasks/{call['id']}/complete", json=outcome, headers=office)
    )
    assert (completed["status"], completed["outcome"]) == ("DONE", "LEFT_VOICEMAIL")
    follow_up = await ok(await client.get(f"/follow-ups/{phoned['id']}", headers=office))
    assert follow_up["status"] == "SENT"
    calls = await ok(await client.get("/call-tasks", params={"status": "OPEN"}, headers=office))
    assert calls["items"] == []

    # A welcome greeting to Bob, who has no job: posted twice with one key, sent once.
    found = await ok(await client.get("/customers", params={"q": "bob"}, headers=office))
    bob = found["items"][0]
    greeting = await ok(
        await client.post(f"/customers/{bob['id']}/generate-greeting", headers=office)
    )
    text = greeting["result"]["text"]
    post_body = {"customerId": bob["id"], "body": text, "purpose": "TRANSACTIONAL"}
    key = {"Idempotency-Key": "welcome-bob-1"} | office
    first = await ok(await client.post("/messages", json=post_body, headers=key), 201)
    again = await ok(await client.post("/messages", json=post_body, headers=key), 200)
    assert again["id"] == first["id"]
    assert sending.sender.sent_ids().count(first["id"]) == 1
    sent_to_bob = await ok(await client.get(f"/messages/{first['id']}", headers=office))
    assert sent_to_bob["status"] == "SENT" and sent_to_bob["body"] == text

    # Ada agrees to offers by SMS, then says on the phone she wants none; a later offer is
    # suppressed, and the ledger keeps both entries.
    preferences = {"preferredContactMethod": "SMS", "marketingConsent": True}
    path = f"/customers/{ada['id']}/communication-preferences"
    await ok(await client.put(path, json=preferences, headers=office))
    opt_out = {"channel": "SMS", "purpose": "MARKETING", "allowed": False, "note": "by phone"}
    await ok(await client.put(f"/customers/{ada['id']}/consent", json=opt_out, headers=office))
    offer = {"customerId": ada["id"], "body": "10% off a tune-up", "purpose": "MARKETING"}
    offered = await ok(await client.post("/messages", json=offer, headers=office), 201)
    offered = await ok(await client.get(f"/messages/{offered['id']}", headers=office))
    assert offered["status"] == "SUPPRESSED" and "consent" in offered["lastError"]
    assert offered["id"] not in sending.sender.sent_ids()
    ledger = await ok(await client.get(f"/customers/{ada['id']}/consent", headers=office))
    sms_marketing = [
        (e["allowed"], e["source"])
        for e in ledger["history"]
        if (e["channel"], e["purpose"]) == ("SMS", "MARKETING")
    ]
    assert sms_marketing[0][0] is False and sms_marketing[0][1].startswith("staff:")
    assert sms_marketing[1] == (True, "customer record")

    # Three days on, the survey goes out; Ada answers "4 stars".
    clock.advance(container.engagement_context().survey_delay)
    assert await queue_post_service_surveys(container.engagement_context()) == 1
    mine = await ok(await client.get("/messages", params={"customerId": ada["id"]}, headers=office))
    earlier = {suggestion_id, phoned["id"], None}
    [survey] = [m for m in mine["items"] if m["followUpId"] not in earlier]
    assert survey["jobId"] == job["id"]
    clock.set(max(clock.now(), datetime.fromisoformat(survey["scheduledFor"])))
    await dispatch_due(container.uow, clock, sending.sender, QuietHours())
    reply = {"From": ada["phone"], "To": ENV["TWILIO_FROM_NUMBER"], "Body": "4 stars, thanks!"}
    reply |= {"MessageSid": "SMreply1", "AccountSid": ENV["TWILIO_ACCOUNT_SID"]}
    assert (await post(client, INBOUND, reply)).status_code == 200
    rated = await ok(await client.get(f"/follow-ups/{survey['followUpId']}", headers=office))
    assert (rated["status"], rated["satisfactionRating"]) == ("COMPLETED", 4)
    assert rated["feedback"] == "thanks!"
