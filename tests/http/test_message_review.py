"""The NEEDS_REVIEW queue through the real app: list it, resolve a message as SENT or
NOT_SENT (one new attempt), its follow-up in step, the resolution audited."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import create_completed_job
from tests.http.office_work import lost_answer


@pytest.fixture
async def job(client, office, clock) -> dict:
    return await create_completed_job(client, office)


async def follow_up_awaiting_review(client, office, job, container) -> tuple[int, int]:
    """A follow-up whose message's answer was lost (the follow-up shows AWAITING_REVIEW)."""
    response = await client.post("/follow-ups", json={"jobId": job["id"]}, headers=office)
    follow_up = response.json()["id"]
    message = await lost_answer(container, job["customerId"], "smtp-feed", follow_up)
    async with container.uow() as uow:
        record = await uow.follow_ups.get(follow_up)
        record.status = record.status.__class__.AWAITING_REVIEW
        await uow.follow_ups.update(record)
        await uow.commit()
    return follow_up, message


async def test_the_review_queue_lists_only_needs_review_with_provider_ids(
    client, office, job, container
) -> None:
    await client.post(
        "/follow-ups", json={"jobId": job["id"], "message": {"body": "Hi"}}, headers=office
    )
    message_id = await lost_answer(container, job["customerId"])
    page = (await client.get("/messages?status=NEEDS_REVIEW", headers=office)).json()
    assert [m["id"] for m in page["items"]] == [message_id]
    assert page["items"][0]["providerMessageId"] == "smtp-0123abcd"


async def test_resolving_as_sent_records_it_and_moves_the_follow_up(
    client, office, admin, job, container
) -> None:
    follow_up, message_id = await follow_up_awaiting_review(client, office, job, container)
    shown = await client.get(f"/follow-ups/{follow_up}", headers=office)
    assert shown.json()["status"] == "AWAITING_REVIEW"
    response = await client.post(
        f"/messages/{message_id}/resolve", json={"outcome": "SENT"}, headers=office
    )
    assert response.status_code == 200, response.text
    message = response.json()
    assert (message["status"], message["lastError"]) == ("SENT", None)
    assert message["sentAt"] and message["providerMessageId"] == "smtp-feed"
    assert (await client.get(f"/follow-ups/{follow_up}", headers=office)).json()["status"] == "SENT"
    trail = await client.get(
        "/audit-entries", params={"entity": "message", "entityId": message_id}, headers=admin
    )
    [entry] = trail.json()["items"]
    assert entry["action"] == "resolve"
    assert entry["changes"]["status"] == ["NEEDS_REVIEW", "SENT"]


async def test_resolving_as_not_sent_queues_one_new_attempt(
    client, office, job, container, clock
) -> None:
    follow_up, message_id = await follow_up_awaiting_review(client, office, job, container)
    response = await client.post(
        f"/messages/{message_id}/resolve", json={"outcome": "NOT_SENT"}, headers=office
    )
    message = response.json()
    assert (message["status"], message["providerMessageId"]) == ("SCHEDULED", None)
    assert "was smtp-feed" in message["lastError"]
    status = (await client.get(f"/follow-ups/{follow_up}", headers=office)).json()["status"]
    assert status == "SCHEDULED"
    again = await client.post(
        f"/messages/{message_id}/resolve", json={"outcome": "NOT_SENT"}, headers=office
    )
    assert_problem(again, 409)  # one resolution: it is SCHEDULED now, not NEEDS_REVIEW


@pytest.mark.parametrize("body", [{}, {"outcome": "DELIVERED"}, {"outcome": 1}, []])
async def test_a_bad_resolution_is_400(client, office, job, container, body) -> None:
    message_id = await lost_answer(container, job["customerId"])
    response = await client.post(f"/messages/{message_id}/resolve", json=body, headers=office)
    assert_problem(response, 400)


async def test_resolving_a_missing_message_is_404(client, office) -> None:
    response = await client.post(
        "/messages/999999/resolve", json={"outcome": "SENT"}, headers=office
    )
    assert_problem(response, 404)
