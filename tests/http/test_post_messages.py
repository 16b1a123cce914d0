"""POST /messages through the real app: a message without a job, sent at once when due,
idempotent per user and Idempotency-Key."""

from __future__ import annotations

import pytest

from application.outbox.dispatch import dispatch_due
from domain.contact_preferences import QuietHours
from domain.user import Role
from tests.http.conftest import NOW, assert_problem
from tests.http.helpers import create_customer, create_job, rejected, same_instant
from tests.http.test_messages import KEYS


@pytest.fixture
async def customer(client, office) -> dict:
    return await create_customer(client, office, email="ada@example.com")


async def post(client, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post("/messages", json=body, headers=headers | extra)


async def test_a_message_without_a_job_is_sent_at_once(
    client, office, customer, sending, clock
) -> None:
    body = {"customerId": customer["id"], "body": "Welcome!", "purpose": "TRANSACTIONAL"}
    response = await post(client, office, body)
    assert response.status_code == 201, response.text
    message = response.json()
    assert set(message) == KEYS
    assert (message["jobId"], message["followUpId"], message["channel"]) == (None, None, "SMS")
    assert same_instant(message["scheduledFor"], NOW.isoformat())
    assert [m for m, _ in sending.sender.sent] == [message["id"]]  # not at the next poll
    stored = (await client.get(f"/messages/{message['id']}", headers=office)).json()
    assert stored["status"] == "SENT" and stored["providerMessageId"]


async def test_posted_twice_with_the_same_key_is_one_message_sent_once(
    client, office, customer, sending, container, clock
) -> None:
    body = {"customerId": customer["id"], "body": "Welcome!", "purpose": "TRANSACTIONAL"}
    first = await post(client, office, body, "welcome-1")
    again = await post(client, office, body, "welcome-1")
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["id"] == first.json()["id"]
    assert len(sending.sender.sent) == 1
    assert (await dispatch_due(container.uow, clock, sending.sender, QuietHours())).sent == 0
    page = await client.get("/messages", params={"customerId": customer["id"]}, headers=office)
    assert page.json()["total"] == 1

    changed = await post(client, office, body | {"body": "Welcome again!"}, "welcome-1")
    assert "Idempotency-Key" in assert_problem(changed, 409)["detail"]
    assert len(sending.sender.sent) == 1


async def test_keys_belong_to_their_user(client, office, admin, customer, sending) -> None:
    body = {"customerId": customer["id"], "body": "Hi", "purpose": "TRANSACTIONAL"}
    mine = await post(client, office, body, "k")
    theirs = await post(client, admin, body, "k")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"] and len(sending.sender.sent) == 2


async def test_a_later_message_waits_and_follows_the_preferred_channel(
    client, office, customer, sending
) -> None:
    url = f"/customers/{customer['id']}/communication-preferences"
    prefs = await client.put(url, json={"preferredContactMethod": "EMAIL"}, headers=office)
    assert prefs.status_code == 200, prefs.text
    body = {
        "customerId": customer["id"],
        "body": "See you next week",
        "purpose": "TRANSACTIONAL",
        "scheduledFor": "2030-01-10T09:00:00+01:00",
    }
    response = await post(client, office, body)
    assert response.status_code == 201, response.text
    message = response.json()
    assert (message["channel"], message["recipient"]) == ("EMAIL", "ada@example.com")
    assert same_instant(message["scheduledFor"], "2030-01-10T08:00:00Z")
    assert sending.sender.sent == []
    sms = await post(client, office, body | {"channel": "SMS"})
    assert "EMAIL" in assert_problem(sms, 422, "channel")["detail"]


async def test_a_send_the_policy_refuses_is_recorded_suppressed(
    client, office, customer, sending
) -> None:
    # No marketing consent: the outbox suppresses the message and says why.
    body = {"customerId": customer["id"], "body": "20% off!", "purpose": "MARKETING"}
    response = await post(client, office, body)
    assert response.status_code == 201, response.text
    stored = (await client.get(f"/messages/{response.json()['id']}", headers=office)).json()
    assert stored["status"] == "SUPPRESSED" and "consent" in stored["lastError"]
    assert sending.sender.sent == []


async def test_a_follow_up_of_another_customer_is_refused(client, office, customer) -> None:
    other = await create_customer(client, office, name="Other")
    job = await create_job(client, office, other["id"])
    follow_up = await client.post("/follow-ups", json={"jobId": job["id"]}, headers=office)
    body = {
        "customerId": customer["id"],
        "body": "Hi",
        "purpose": "TRANSACTIONAL",
        "followUpId": follow_up.json()["id"],
    }
    await rejected(client, office, "POST", "/messages", body, 422, "followUpId")


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"body": "   "}, 400, "body"),
        ({"body": "x" * 1601}, 400, "body"),
        ({"customerId": 999_999}, 422, "customerId"),
        ({"purpose": "GOSSIP"}, 400, "purpose"),
        ({"channel": "PIGEON"}, 400, "channel"),
        ({"channel": "WHATSAPP", "customerId": None}, 422, "channel"),  # no phone on file
        ({"scheduledFor": "2030-01-07T14:00:00Z"}, 422, "scheduledFor"),  # an hour ago
        ({"scheduledFor": "2030-01-09T10:00:00"}, 422, "scheduledFor"),  # no offset
        ({"followUpId": 999_999}, 422, "followUpId"),
        ({"extra": 1}, 400, "extra"),
    ],
)
async def test_bad_input_names_the_field_and_queues_nothing(
    client, office, customer, clock, changes, status, field
) -> None:
    changes = dict(changes)  # the parameters are shared by the database runs
    if changes.get("customerId", 0) is None:
        changes["customerId"] = (
            await create_customer(client, office, phone=None, email="bob@example.com")
        )["id"]
    body = {"customerId": customer["id"], "body": "Hi", "purpose": "TRANSACTIONAL"} | changes
    await rejected(client, office, "POST", "/messages", body, status, field)


@pytest.mark.parametrize("key", ["has space", "x" * 101])
async def test_a_bad_idempotency_key_is_400(client, office, customer, key) -> None:
    body = {"customerId": customer["id"], "body": "Hi", "purpose": "TRANSACTIONAL"}
    assert_problem(await post(client, office, body, key), 400, "Idempotency-Key")


async def test_only_staff_post_messages(client, make_user, customer) -> None:
    technician = await make_user(Role.TECHNICIAN)
    body = {"customerId": customer["id"], "body": "Hi", "purpose": "TRANSACTIONAL"}
    assert_problem(await post(client, technician, body), 403)
    assert_problem(await post(client, {}, body), 401)
