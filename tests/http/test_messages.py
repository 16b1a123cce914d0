"""/messages and scheduling a message with POST /follow-ups, through the real app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dependency_injector import providers

from application.outbox.dispatch import dispatch_due
from domain.contact_preferences import QuietHours
from tests.fakes import FakeClock, FakeSender
from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_completed_job,
    create_customer,
    create_job,
    rejected,
    same_instant,
)

# A Monday afternoon in UTC (the API's default customer time zone): contact is allowed.
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
KEYS = {
    "id",
    "customerId",
    "followUpId",
    "jobId",
    "purpose",
    "channel",
    "recipient",
    "body",
    "language",
    "scheduledFor",
    "status",
    "providerMessageId",
    "attempts",
    "lastError",
    "sentAt",
    "createdAt",
    "updatedAt",
}


@pytest.fixture
def clock(container) -> FakeClock:
    clock = FakeClock(NOW)
    container.clock.override(providers.Object(clock))
    return clock


@pytest.fixture
async def job(client, office, clock) -> dict:
    return await create_completed_job(client, office)


async def follow_up_with_message(client, headers, job, **message) -> dict:
    body = {"jobId": job["id"], "message": {"body": "How is the fridge doing?", **message}}
    response = await client.post("/follow-ups", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def messages(client, headers, **params) -> dict:
    response = await client.get("/messages", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_follow_up_can_schedule_a_message_in_the_same_transaction(
    client, office, job
) -> None:
    follow_up = await follow_up_with_message(client, office, job)
    assert follow_up["status"] == "SCHEDULED"
    assert same_instant(follow_up["followUpDate"], NOW.isoformat())
    page = await messages(client, office, customerId=job["customerId"])
    [message] = page["items"]
    assert set(message) == KEYS and page["total"] == 1
    assert_resource(message, "scheduledFor", "updatedAt")
    assert (message["followUpId"], message["jobId"]) == (follow_up["id"], job["id"])
    assert (message["status"], message["channel"], message["purpose"]) == (
        "SCHEDULED",
        "SMS",
        "TRANSACTIONAL",
    )
    assert message["recipient"] == "+14155550123" and message["attempts"] == 0
    fetched = await client.get(f"/messages/{message['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == message


async def test_the_message_goes_at_the_requested_time_or_the_follow_up_date(
    client, office, job
) -> None:
    await follow_up_with_message(client, office, job, scheduledFor="2030-01-09T10:00:00+01:00")
    body = {
        "jobId": job["id"],
        "followUpDate": "2030-02-01T09:00:00Z",
        "message": {"body": "Reminder", "purpose": "MARKETING"},
    }
    response = await client.post("/follow-ups", json=body, headers=office)
    assert response.status_code == 201, response.text
    items = (await messages(client, office))["items"]  # newest first
    assert same_instant(items[0]["scheduledFor"], "2030-02-01T09:00:00Z")
    assert items[0]["purpose"] == "MARKETING"
    assert same_instant(items[1]["scheduledFor"], "2030-01-09T09:00:00Z")


@pytest.mark.parametrize(
    ("message", "status", "field"),
    [
        ({"body": "   "}, 400, "message.body"),
        ({"body": "x" * 1601}, 400, "message.body"),
        ({"body": "hi", "channel": "EMAIL"}, 422, "message.channel"),  # no email on file
        ({"body": "hi", "channel": "PIGEON"}, 400, "message.channel"),
        ({"body": "hi", "scheduledFor": "2030-01-09T10:00:00"}, 422, "message.scheduledFor"),
        ({"body": "hi", "extra": 1}, 400, "message.extra"),
    ],
)
async def test_a_bad_message_refuses_the_whole_follow_up(
    client, office, job, message, status, field
) -> None:
    body = {"jobId": job["id"], "message": message}
    await rejected(client, office, "POST", "/follow-ups", body, status, field)
    assert (await messages(client, office))["total"] == 0


async def test_list_filters_by_customer_and_status_and_pages(client, office, job, clock) -> None:
    for _ in range(3):
        await follow_up_with_message(client, office, job)
    other = await create_job(client, office, (await create_customer(client, office))["id"])
    await follow_up_with_message(client, office, other)
    first = (await messages(client, office, customerId=job["customerId"]))["items"]
    assert len(first) == 3 and {m["customerId"] for m in first} == {job["customerId"]}
    await client.post(f"/messages/{first[0]['id']}/cancel", headers=office)
    cancelled = await messages(client, office, status="CANCELLED")
    assert [m["id"] for m in cancelled["items"]] == [first[0]["id"]]
    page = await messages(client, office, status="SCHEDULED", limit=2, offset=1)
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (3, 2, 2, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "LOST"}, "status"),
        ({"customerId": "0"}, "customerId"),
        ({"customerId": "abc"}, "customerId"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
async def test_bad_list_query_is_400_naming_the_parameter(client, office, query, field) -> None:
    response = await client.get("/messages", params=query, headers=office)
    assert_problem(response, 400, field)


async def test_a_missing_message_is_404(client, office) -> None:
    assert_problem(await client.get("/messages/999", headers=office), 404)
    assert_problem(await client.post("/messages/999/cancel", headers=office), 404)


async def test_messages_need_a_token(client) -> None:
    assert_problem(await client.get("/messages"), 401)


async def test_cancel_only_a_scheduled_message(client, office, technician, job, container) -> None:
    await follow_up_with_message(client, office, job)
    [message] = (await messages(client, office))["items"]
    url = f"/messages/{message['id']}/cancel"
    assert_problem(await client.post(url, headers=technician), 403)
    response = await client.post(url, headers=office)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "CANCELLED"
    assert_problem(await client.post(url, headers=office), 409)
    report = await dispatch_due(container.uow, container.clock(), FakeSender(), QuietHours())
    assert report.processed == 0  # a cancelled message is never sent


async def test_a_sent_message_cannot_be_cancelled(client, office, job, container, clock) -> None:
    await follow_up_with_message(client, office, job)
    [message] = (await messages(client, office))["items"]
    sender = FakeSender(clock)
    assert (await dispatch_due(container.uow, clock, sender, QuietHours())).sent == 1
    sent = (await client.get(f"/messages/{message['id']}", headers=office)).json()
    assert sent["status"] == "SENT" and sent["providerMessageId"] and sent["attempts"] == 1
    assert same_instant(sent["sentAt"], NOW.isoformat())
    response = await client.post(f"/messages/{message['id']}/cancel", headers=office)
    assert "SENT" in assert_problem(response, 409)["detail"]
    follow_up = (await client.get(f"/follow-ups/{message['followUpId']}", headers=office)).json()
    assert follow_up["status"] == "SENT"  # what the worker sets


async def test_twilio_webhooks_answer_a_documented_404_when_twilio_is_not_configured(
    client,
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    for path in ("/webhooks/twilio/status", "/webhooks/twilio/inbound"):
        response = await client.post(path, data={"MessageSid": "SM1", "MessageStatus": "sent"})
        assert "Twilio is not configured" in assert_problem(response, 404)["detail"]
        documented = document["paths"][path]["post"]["responses"]
        assert "Twilio is not configured" in documented["404"]["description"]
        assert "503" not in documented
