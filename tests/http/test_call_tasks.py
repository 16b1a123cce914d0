"""/call-tasks: a PHONE message becomes a call for the office; its outcome settles the
message and follow-up, through the real app."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.outbox.dispatch import dispatch_due
from domain.contact_preferences import QuietHours
from tests.fakes import FakeSender
from tests.http.conftest import NOW, assert_problem
from tests.http.helpers import assert_camel_keys, create_completed_job, create_customer
from tests.http.office_work import add_call_task

KEYS = {
    "id",
    "customerId",
    "messageId",
    "body",
    "status",
    "outcome",
    "note",
    "completedAt",
    "completedBy",
    "createdAt",
}


async def phoned(client, office, container, clock) -> dict:
    """A follow-up whose PHONE message the dispatcher turned into a call task."""
    job = await create_completed_job(client, office)
    message = {"body": "Ask how the fridge is doing", "channel": "PHONE"}
    response = await client.post(
        "/follow-ups", json={"jobId": job["id"], "message": message}, headers=office
    )
    assert response.status_code == 201, response.text
    await dispatch_due(container.uow, clock, FakeSender(clock), QuietHours())
    tasks = await client.get("/call-tasks", params={"status": "OPEN"}, headers=office)
    [task] = tasks.json()["items"]
    return task | {"followUpId": response.json()["id"]}


@pytest.mark.parametrize(
    ("outcome", "message_status", "follow_up_status", "last_error"),
    [
        ("LEFT_VOICEMAIL", "DELIVERED", "SENT", None),
        ("REACHED", "DELIVERED", "SENT", None),
        ("NO_ANSWER", "FAILED", "FAILED", "call outcome NO_ANSWER"),
        ("WRONG_NUMBER", "FAILED", "FAILED", "call outcome WRONG_NUMBER"),
    ],
)
async def test_completing_a_call_settles_its_message_and_follow_up(
    client, office, container, clock, outcome, message_status, follow_up_status, last_error
) -> None:
    task = await phoned(client, office, container, clock)
    assert task["status"] == "OPEN" and task["body"] == "Ask how the fridge is doing"
    clock.advance(minutes=20)
    body = {"outcome": outcome, "note": "spoke to her daughter"}
    response = await client.post(f"/call-tasks/{task['id']}/complete", json=body, headers=office)
    assert response.status_code == 200, response.text
    done = response.json()
    assert set(done) == KEYS and assert_camel_keys(done) is None
    assert (done["status"], done["outcome"], done["note"]) == ("DONE", outcome, body["note"])
    assert done["completedAt"] and done["completedBy"] is not None
    message = (await client.get(f"/messages/{task['messageId']}", headers=office)).json()
    assert (message["status"], message["lastError"]) == (message_status, last_error)
    follow_up = (await client.get(f"/follow-ups/{task['followUpId']}", headers=office)).json()
    assert follow_up["status"] == follow_up_status
    again = await client.post(f"/call-tasks/{task['id']}/complete", json=body, headers=office)
    assert "already completed" in assert_problem(again, 409)["detail"]


async def test_the_call_list_is_oldest_first_and_filters(client, office, container) -> None:
    ada = (await create_customer(client, office))["id"]
    bob = (await create_customer(client, office, name="Bob"))["id"]
    late = await add_call_task(container, ada, NOW)
    early = await add_call_task(container, bob, NOW - timedelta(hours=3))
    middle = await add_call_task(container, ada, NOW - timedelta(hours=1))

    async def ids(**params) -> list[int]:
        response = await client.get("/call-tasks", params=params, headers=office)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [early, middle, late]
    assert await ids(customerId=ada) == [middle, late]
    await client.post(f"/call-tasks/{middle}/complete", json={"outcome": "REACHED"}, headers=office)
    assert await ids(status="OPEN") == [early, late]
    assert await ids(status="DONE") == [middle]
    view = (await client.get(f"/customers/{ada}", headers=office)).json()
    assert [task["id"] for task in view["callTasks"]] == [late]  # open ones only
    assert set(view["callTasks"][0]) == {"id", "messageId", "body", "status", "createdAt"}
    assert view["collections"]["callTasks"] == {"total": 1, "returned": 1, "truncated": False}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "outcome"),
        ({"outcome": "HUNG_UP"}, "outcome"),
        ({"outcome": "REACHED", "note": "x" * 2001}, "note"),
        ({"outcome": "REACHED", "extra": 1}, None),
    ],
)
async def test_a_bad_completion_is_400_and_changes_nothing(
    client, office, container, body, field
) -> None:
    customer = (await create_customer(client, office))["id"]
    task_id = await add_call_task(container, customer)
    response = await client.post(f"/call-tasks/{task_id}/complete", json=body, headers=office)
    assert_problem(response, 400, field)
    after = (await client.get(f"/call-tasks/{task_id}", headers=office)).json()
    assert (after["status"], after["outcome"]) == ("OPEN", None)


async def test_a_missing_call_task_is_404(client, office) -> None:
    assert_problem(await client.get("/call-tasks/999", headers=office), 404)
    body = {"outcome": "REACHED"}
    assert_problem(await client.post("/call-tasks/999/complete", json=body, headers=office), 404)
    assert_problem(await client.get("/call-tasks", params={"status": "LATE"}, headers=office), 400)
