"""AI-written messages wait for a human: reject → never sent; approve (edited) → the edit
is what the outbox sends, through the real app, outbox dispatch and a fake sender."""

from __future__ import annotations

import pytest

from application.engagement.suggestions import suggestion_text
from application.outbox.dispatch import dispatch_due
from domain.contact_preferences import QuietHours
from tests.http.conftest import assert_problem
from tests.http.helpers import create_completed_job, create_customer
from tests.http.test_follow_up_send import a_suggested_follow_up
from tests.unit.test_follow_up_actions import a_suggestion


@pytest.fixture
async def job(client, office, clock) -> dict:
    return await create_completed_job(client, office)


async def a_held_message(client, office, container, clock, job, action: str) -> dict:
    """A follow-up suggestion sent as the assistant wrote it: held for approval."""
    text = suggestion_text(a_suggestion(action, "SMS", None), ())
    follow_up_id = await a_suggested_follow_up(container, clock, job, text)
    response = await client.post(f"/follow-ups/{follow_up_id}/send", headers=office)
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert (message["status"], message["body"]) == ("PENDING_APPROVAL", action)
    return message


async def dispatch(container, clock, sending) -> None:
    await dispatch_due(container.uow, clock, sending.sender, QuietHours(), batch_size=50)


async def test_a_rejected_message_is_never_sent(
    client, office, container, clock, job, sending
) -> None:
    message = await a_held_message(client, office, container, clock, job, "Ask for a review")
    await dispatch(container, clock, sending)
    assert sending.sender.sent == []  # due now, but waiting for approval

    rejected = await client.post(f"/messages/{message['id']}/reject", headers=office)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "CANCELLED"
    await dispatch(container, clock, sending)
    assert sending.sender.sent == []
    again = await client.post(f"/messages/{message['id']}/approve", headers=office)
    assert "CANCELLED" in assert_problem(again, 409)["detail"]


async def test_an_approved_edit_is_the_text_sent(
    client, office, container, clock, job, sending
) -> None:
    message = await a_held_message(client, office, container, clock, job, "Ask for a review")
    edited = "Hello! How did the repair go? Reply 1-5."
    approved = await client.post(
        f"/messages/{message['id']}/approve", json={"body": edited}, headers=office
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["body"]) == ("SCHEDULED", edited)

    await dispatch(container, clock, sending)
    assert sending.sender.bodies == [(message["id"], edited)]
    read = (await client.get(f"/messages/{message['id']}", headers=office)).json()
    assert read["status"] == "SENT"


async def test_decisions_are_audited_without_the_text(
    client, office, admin, container, clock, job, sending
) -> None:
    approved = await a_held_message(client, office, container, clock, job, "Ask for a review")
    await client.post(
        f"/messages/{approved['id']}/approve", json={"body": "Edited text"}, headers=office
    )
    rejected = await a_held_message(client, office, container, clock, job, "Offer a small discount")
    await client.post(f"/messages/{rejected['id']}/reject", headers=office)

    async def entries(message_id: int) -> list[dict]:
        params = {"entity": "message", "entityId": message_id}
        response = await client.get("/audit-entries", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    approve, create = await entries(approved["id"])
    assert create["action"] == "create"
    assert create["changes"]["status"] == [None, "PENDING_APPROVAL"]
    assert approve["action"] == "approve"
    assert approve["changes"] == {
        "status": ["PENDING_APPROVAL", "SCHEDULED"],
        "bodyEdited": [None, True],
    }
    reject, _ = await entries(rejected["id"])
    assert reject["action"] == "reject"
    assert reject["changes"] == {"status": ["PENDING_APPROVAL", "CANCELLED"]}
    assert "Edited text" not in str(approve) and "Offer a small discount" not in str(reject)


async def test_approving_without_an_edit_keeps_the_text(
    client, office, container, clock, job, sending
) -> None:
    message = await a_held_message(client, office, container, clock, job, "Ask for a review")
    approved = await client.post(f"/messages/{message['id']}/approve", headers=office)
    assert approved.status_code == 200, approved.text
    assert approved.json()["body"] == "Ask for a review"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"body": "   "}, 400, "body"), ({"body": 5}, 400, "body"), ({"other": 1}, 400, "other")],
)
async def test_a_bad_edit_names_the_field_and_keeps_the_message_waiting(
    client, office, container, clock, job, sending, body, status, field
) -> None:
    message = await a_held_message(client, office, container, clock, job, "Ask for a review")
    response = await client.post(f"/messages/{message['id']}/approve", json=body, headers=office)
    assert_problem(response, status, field)
    read = (await client.get(f"/messages/{message['id']}", headers=office)).json()
    assert read["status"] == "PENDING_APPROVAL"


async def test_only_a_waiting_message_can_be_decided_and_only_by_staff(
    client, office, technician, container, clock, job, sending
) -> None:
    assert_problem(await client.post("/messages/999999/approve", headers=office), 404)
    assert_problem(await client.post("/messages/999999/reject", headers=office), 404)
    message = await a_held_message(client, office, container, clock, job, "Ask for a review")
    assert_problem(await client.post(f"/messages/{message['id']}/reject", headers=technician), 403)
    await client.post(f"/messages/{message['id']}/approve", headers=office)
    assert_problem(await client.post(f"/messages/{message['id']}/reject", headers=office), 409)


async def test_a_greeting_posted_with_its_generation_waits_for_approval(
    client, office, container, clock, sending
) -> None:
    customer = await create_customer(client, office)
    greeting = (
        await client.post(f"/customers/{customer['id']}/generate-greeting", headers=office)
    ).json()
    body = {
        "customerId": customer["id"],
        "body": greeting["result"]["text"],
        "purpose": "MARKETING",
        "generationId": greeting["generationId"],
    }
    posted = await client.post("/messages", json=body, headers=office)
    assert posted.status_code == 201, posted.text
    assert posted.json()["status"] == "PENDING_APPROVAL"
    await dispatch(container, clock, sending)
    assert sending.sender.sent == []
