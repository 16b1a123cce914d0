"""POST /follow-ups/{id}/send and /dismiss through the real app: acting on a suggestion."""

from __future__ import annotations

import pytest

from application.engagement.suggestions import suggestion_text
from domain.follow_up import FollowUp
from domain.user import Role
from tests.http.conftest import NOW, assert_problem
from tests.http.helpers import create_completed_job, same_instant
from tests.unit.test_follow_up_actions import a_suggestion


@pytest.fixture
async def job(client, office, clock) -> dict:
    return await create_completed_job(client, office)


async def a_suggested_follow_up(container, clock, job, text: str) -> int:
    """A PENDING follow-up as the daily suggestion pass stores it."""
    async with container.uow() as uow:
        key = f"test:{job['id']}:{len(text)}"
        follow_up = FollowUp.suggest(job["id"], job["customerId"], text, key, clock.now())
        stored = await uow.follow_ups.add(follow_up)
        await uow.commit()
    return stored.id


async def test_sending_a_suggestion_holds_it_for_approval_with_its_channel_and_time(
    client, office, container, clock, job, sending
) -> None:
    text = suggestion_text(a_suggestion("Ask for a review", "SMS", "2030-01-08T10:00:00Z"), ())
    follow_up_id = await a_suggested_follow_up(container, clock, job, text)
    response = await client.post(f"/follow-ups/{follow_up_id}/send", headers=office)
    assert response.status_code == 201, response.text
    sent = response.json()
    follow_up, message = sent["followUp"], sent["message"]
    assert (follow_up["status"], follow_up["suggestion"]) == ("SCHEDULED", text)
    assert (message["followUpId"], message["jobId"]) == (follow_up_id, job["id"])
    assert response.headers["location"] == f"/messages/{message['id']}"  # what it created
    assert (message["body"], message["channel"], message["status"]) == (
        "Ask for a review",
        "SMS",
        "PENDING_APPROVAL",  # the body is the suggestion's (AI) text: staff approve it first
    )
    assert same_instant(message["scheduledFor"], "2030-01-08T10:00:00Z")
    assert same_instant(follow_up["followUpDate"], "2030-01-08T10:00:00Z")
    assert sending.sender.sent == []  # tomorrow's message waits for its time
    again = await client.post(f"/follow-ups/{follow_up_id}/send", headers=office)
    assert "PENDING" in assert_problem(again, 409)["detail"]
    dismiss = await client.post(f"/follow-ups/{follow_up_id}/dismiss", headers=office)
    assert_problem(dismiss, 409)


async def test_the_office_edits_the_message_and_it_goes_now(
    client, office, container, clock, job, sending
) -> None:
    text = suggestion_text(a_suggestion("Ask for a review", "SMS", "2030-01-08T10:00:00Z"), ())
    follow_up_id = await a_suggested_follow_up(container, clock, job, text)
    body = {"body": "How did the repair go? Reply 1-5.", "scheduledFor": NOW.isoformat()}
    response = await client.post(f"/follow-ups/{follow_up_id}/send", json=body, headers=office)
    assert response.status_code == 201, response.text
    message = response.json()["message"]
    assert message["body"] == body["body"]
    assert [m for m, _ in sending.sender.sent] == [message["id"]]
    follow_up = (await client.get(f"/follow-ups/{follow_up_id}", headers=office)).json()
    assert follow_up["status"] == "SENT"  # moved along with its message


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"body": "  "}, 400, "body"),
        ({"channel": "EMAIL"}, 422, "channel"),  # no email on file
        ({"scheduledFor": "2030-01-01T10:00:00Z"}, 422, "scheduledFor"),
        ({"channel": "PIGEON"}, 400, "channel"),
        ({"extra": 1}, 400, "extra"),
    ],
)
async def test_bad_edits_name_the_field_and_change_nothing(
    client, office, container, clock, job, body, status, field
) -> None:
    follow_up_id = await a_suggested_follow_up(container, clock, job, "Call about the fridge")
    url = f"/follow-ups/{follow_up_id}/send"
    assert_problem(await client.post(url, json=body, headers=office), status, field)
    follow_up = (await client.get(f"/follow-ups/{follow_up_id}", headers=office)).json()
    assert follow_up["status"] == "PENDING"
    assert (await client.get("/messages", headers=office)).json()["total"] == 0


async def test_dismissing_cancels_and_audits_the_reason(
    client, office, admin, container, clock, job
) -> None:
    follow_up_id = await a_suggested_follow_up(container, clock, job, "Call about the fridge")
    url = f"/follow-ups/{follow_up_id}/dismiss"
    long_reason = {"reason": "x" * 201}
    assert_problem(await client.post(url, json=long_reason, headers=office), 400, "reason")
    response = await client.post(url, json={"reason": "Called already"}, headers=office)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "CANCELLED"
    params = {"entity": "follow-up", "entityId": follow_up_id}
    trail = (await client.get("/audit-entries", params=params, headers=admin)).json()
    [entry] = trail["items"]
    assert entry["action"] == "dismiss"
    assert entry["changes"] == {
        "status": ["PENDING", "CANCELLED"],
        "reason": [None, "Called already"],
    }
    assert_problem(await client.post(url, headers=office), 409)


async def test_missing_follow_ups_are_404_and_technicians_403(
    client, office, make_user, container, clock, job
) -> None:
    for action in ("send", "dismiss"):
        assert_problem(await client.post(f"/follow-ups/999/{action}", headers=office), 404)
    technician = await make_user(Role.TECHNICIAN)
    follow_up_id = await a_suggested_follow_up(container, clock, job, "Call about the fridge")
    for action in ("send", "dismiss"):
        url = f"/follow-ups/{follow_up_id}/{action}"
        assert_problem(await client.post(url, headers=technician), 403)
