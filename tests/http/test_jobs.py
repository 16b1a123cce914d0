"""/jobs through the real app: shapes, filters, the lifecycle moves, errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    assert_timestamp,
    create_customer,
    create_job,
    create_payment,
    create_technician,
    job_body,
    rejected,
    same_instant,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]
KEYS = {
    "id",
    "customerId",
    "technicianId",
    "description",
    "appliance",
    "applianceId",
    "maintenanceAlertId",
    "notes",
    "scheduledFor",
    "status",
    "startedAt",
    "completionDate",
    "cancelledAt",
    "createdAt",
}


@pytest.fixture
async def customer_id(client, office) -> int:
    customer: dict[str, int] = await create_customer(client, office)
    return customer["id"]


async def move(client, headers, job_id, step):
    return await client.post(f"/jobs/{job_id}/{step}", headers=headers)


async def test_create_returns_201_camel_case_and_get_round_trips(client, office, customer_id):
    tech = await create_technician(client, office)
    sent = "2030-01-02T09:30:00.250000+02:00"
    body = job_body(
        customer_id,
        technicianId=tech["id"],
        scheduledFor=sent,
        appliance="Fridge",
        notes="side door",
    )
    response = await client.post("/jobs", json=body, headers=office)
    assert response.status_code == 201, response.text
    job = response.json()
    assert_resource(job, "scheduledFor")
    assert set(job) == KEYS
    assert job["customerId"] == customer_id and job["technicianId"] == tech["id"]
    assert job["status"] == "SCHEDULED"
    assert job["startedAt"] is job["completionDate"] is job["cancelledAt"] is None
    assert job["appliance"] == "Fridge" and job["notes"] == "side door"
    assert same_instant(job["scheduledFor"], sent)
    fetched = await client.get(f"/jobs/{job['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == job


async def test_put_edits_an_open_job(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    tech = await create_technician(client, office)
    body = job_body(
        customer_id,
        description="Oven door hinge",
        technicianId=tech["id"],
        scheduledFor="2030-02-01T08:00:00Z",
    )
    response = await client.put(f"/jobs/{job['id']}", json=body, headers=office)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["description"] == "Oven door hinge" and updated["technicianId"] == tech["id"]
    assert same_instant(updated["scheduledFor"], "2030-02-01T08:00:00Z")
    assert updated["status"] == "SCHEDULED" and updated["createdAt"] == job["createdAt"]
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json() == updated


async def test_lifecycle_start_then_complete(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    started = await move(client, office, job["id"], "start")
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "IN_PROGRESS"
    started_at = assert_timestamp(started.json()["startedAt"])
    completed = await move(client, office, job["id"], "complete")
    assert completed.status_code == 200, completed.text
    done = completed.json()
    assert done["status"] == "COMPLETED" and done["cancelledAt"] is None
    assert assert_timestamp(done["completionDate"]) >= started_at
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json() == done


async def test_cancel_a_scheduled_job(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    response = await move(client, office, job["id"], "cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "CANCELLED"
    assert_timestamp(response.json()["cancelledAt"])


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], "complete"),
        (["start"], "start"),
        (["cancel"], "complete"),
        (["cancel"], "start"),
        (["cancel"], "cancel"),
        (["start", "complete"], "start"),
        (["start", "complete"], "complete"),
        (["start", "complete"], "cancel"),
    ],
)
async def test_invalid_moves_are_409_and_change_nothing(
    client, office, customer_id, steps, refused
):
    job = await create_job(client, office, customer_id)
    for step in steps:
        assert (await move(client, office, job["id"], step)).status_code == 200
    before = (await client.get(f"/jobs/{job['id']}", headers=office)).json()
    assert_problem(await move(client, office, job["id"], refused), 409)
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json() == before


@pytest.mark.parametrize("steps", [["start", "complete"], ["cancel"]])
async def test_put_on_a_closed_job_is_409(client, office, customer_id, steps):
    job = await create_job(client, office, customer_id)
    for step in steps:
        await move(client, office, job["id"], step)
    body = job_body(customer_id, description="too late")
    await rejected(client, office, "PUT", f"/jobs/{job['id']}", body, 409)


@pytest.mark.parametrize("step", ["start", "complete", "cancel"])
async def test_moving_an_unknown_job_is_404(client, office, step):
    assert_problem(await move(client, office, 999999, step), 404)


async def test_list_filters_and_pages(client, office, customer_id):
    other = (await create_customer(client, office, name="Other"))["id"]
    tech = (await create_technician(client, office))["id"]
    mine = [(await create_job(client, office, customer_id))["id"] for _ in range(2)]
    assigned = (await create_job(client, office, other, technicianId=tech))["id"]
    await move(client, office, mine[0], "start")

    async def ids(query: str) -> list[int]:
        page = (await client.get(f"/jobs?{query}", headers=office)).json()
        assert page["total"] == len(page["items"])
        return [job["id"] for job in page["items"]]

    assert await ids(f"customerId={customer_id}") == mine[::-1]
    assert await ids(f"customerId={other}") == [assigned]
    assert await ids(f"technicianId={tech}") == [assigned]
    assert await ids("status=IN_PROGRESS") == [mine[0]]
    assert await ids(f"status=SCHEDULED&customerId={customer_id}") == [mine[1]]
    assert await ids("status=COMPLETED") == []
    page = (await client.get("/jobs?limit=1&offset=1", headers=office)).json()
    assert page["total"] == 3 and [job["id"] for job in page["items"]] == [mine[1]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=DONE", "status"),
        ("customerId=abc", "customerId"),
        ("technicianId=0", "technicianId"),
        ("limit=201", "limit"),
    ],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/jobs?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    response = await client.delete(f"/jobs/{job['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/jobs/{job['id']}", headers=office), 404)
    assert await total(client, "/jobs", office) == 0


async def test_deleting_a_job_with_payments_is_409(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    await create_payment(client, office, customer_id, jobId=job["id"])
    assert_problem(await client.delete(f"/jobs/{job['id']}", headers=office), 409)
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_job_is_404(client, office, customer_id, method):
    body = job_body(customer_id) if method == "PUT" else None
    assert_problem(await client.request(method, "/jobs/999999", json=body, headers=office), 404)


async def test_job_for_an_unknown_customer_is_422_naming_customer_id(client, office):
    await rejected(client, office, "POST", "/jobs", job_body(999999), 422, "customerId")


async def test_moving_a_job_to_another_customer_is_422(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    other = (await create_customer(client, office, name="Other"))["id"]
    await rejected(client, office, "PUT", f"/jobs/{job['id']}", job_body(other), 422, "customerId")


@pytest.mark.parametrize("method", WRITES)
async def test_unknown_or_inactive_technician_is_422(client, office, customer_id, method):
    url = await write_url(client, office, method, "/jobs", job_body(customer_id))
    body = job_body(customer_id, technicianId=999999)
    await rejected(client, office, method, url, body, 422, "technicianId")
    idle = await create_technician(client, office, active=False)
    body = job_body(customer_id, technicianId=idle["id"])
    await rejected(client, office, method, url, body, 422, "technicianId")


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"description": None}, 400, "description"),
        ({"description": "  "}, 400, "description"),
        ({"description": "a\x00b"}, 400, "description"),
        ({"scheduledFor": None}, 400, "scheduledFor"),
        ({"scheduledFor": "2030-01-02T09:30:00"}, 422, "scheduledFor"),
        ({"scheduledFor": "next tuesday"}, 400, "scheduledFor"),
        ({"scheduledFor": "0001-01-01T00:00:00+05:00"}, 422, "scheduledFor"),
        ({"scheduledFor": "9999-12-31T23:59:59-05:00"}, 422, "scheduledFor"),
        ({"customerId": "abc"}, 400, "customerId"),
        ({"customerId": True}, 400, "customerId"),
        ({"technicianId": 1.5}, 400, "technicianId"),
        ({"customerId": 0}, 400, "customerId"),
        ({"technicianId": 2**31}, 400, "technicianId"),
        ({"status": "COMPLETED"}, 400, "status"),
        ({"customer_id": 1}, 400, "customer_id"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client, office, customer_id, method, changes, status, field
):
    url = await write_url(client, office, method, "/jobs", job_body(customer_id))
    body = job_body(customer_id, **changes)
    missing = [key for key, value in changes.items() if value is None]
    await rejected(client, office, method, url, without(body, *missing), status, field)


@pytest.mark.parametrize("method", WRITES)
async def test_malformed_json_is_400_problem(client, office, customer_id, method):
    url = await write_url(client, office, method, "/jobs", job_body(customer_id))
    await rejected(client, office, method, url, b"{'customerId': 1}", 400)


async def test_offset_timestamps_are_returned_as_the_same_instant_everywhere(
    client, office, customer_id
):
    job = await create_job(client, office, customer_id, scheduledFor="2030-06-01T23:30:00-07:00")
    listed = (await client.get("/jobs", headers=office)).json()["items"][0]
    fetched = (await client.get(f"/jobs/{job['id']}", headers=office)).json()
    assert job["scheduledFor"] == listed["scheduledFor"] == fetched["scheduledFor"]
    assert datetime.fromisoformat(job["scheduledFor"]) == datetime.fromisoformat(
        "2030-06-02T06:30:00+00:00"
    )
