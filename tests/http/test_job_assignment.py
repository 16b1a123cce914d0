"""Assign from a match through the real app: POST /jobs/{id}/match-technician ranks for the
job, POST /jobs/{id}/assign assigns (409 naming the rule broken), on both databases."""

from __future__ import annotations

from typing import Any

import httpx

from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_customer, create_job, create_technician, move_job

AT = "2030-01-02T09:30:00+00:00"


async def _assign(client: httpx.AsyncClient, headers: Headers, job: int, tech: int) -> Any:
    return await client.post(f"/jobs/{job}/assign", json={"technicianId": tech}, headers=headers)


async def test_match_then_assign_the_best_candidate(
    client: httpx.AsyncClient, office: Headers, admin: Headers
) -> None:
    customer = await create_customer(client, office)
    fran = await create_technician(client, office, name="Fran", skills=["fridges"])
    await create_technician(client, office, name="Hal", skills=["hvac"])
    put = await client.put(
        f"/customers/{customer['id']}/preferred-technician",
        json={"technicianId": fran["id"]},
        headers=office,
    )
    assert put.status_code == 200, put.text
    job = await create_job(client, office, customer["id"], description="Fridge not cooling")

    response = await client.post(f"/jobs/{job['id']}/match-technician", headers=office)
    assert response.status_code == 200, response.text
    answer = response.json()["result"]
    [candidate] = answer["candidates"]
    assert candidate["technicianId"] == fran["id"] and candidate["preferred"] is True
    best = answer["ranking"][0]["technicianId"]

    assigned = await _assign(client, office, job["id"], best)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["technicianId"] == fran["id"]
    trail = await client.get(
        "/audit-entries", params={"entity": "job", "entityId": job["id"]}, headers=admin
    )
    [entry] = trail.json()["items"]
    assert entry["action"] == "assign" and entry["customerId"] == customer["id"]
    assert entry["changes"] == {"technicianId": [None, fran["id"]]}


async def test_each_broken_rule_is_a_409_naming_it(
    client: httpx.AsyncClient, office: Headers
) -> None:
    customer = (await create_customer(client, office))["id"]
    fran = (await create_technician(client, office, skills=["fridges"]))["id"]
    hal = (await create_technician(client, office, skills=["hvac"]))["id"]
    gone = (await create_technician(client, office, skills=["fridges"], active=False))["id"]
    job = (await create_job(client, office, customer, scheduledFor=AT))["id"]

    unskilled = assert_problem(await _assign(client, office, job, hal), 409)
    assert "not skilled for refrigerator" in unskilled["detail"]
    inactive = assert_problem(await _assign(client, office, job, gone), 409)
    assert "not active" in inactive["detail"]

    # Fran already has a job 90 minutes later: the 2-hour slots overlap.
    busy = (
        await create_job(
            client, office, customer, technicianId=fran, scheduledFor="2030-01-02T11:00:00+00:00"
        )
    )["id"]
    booked = assert_problem(await _assign(client, office, job, fran), 409)
    assert "double-booked" in booked["detail"] and str(busy) in booked["detail"]
    await move_job(client, office, busy, "cancel")  # a cancelled job books nobody
    assert (await _assign(client, office, job, fran)).status_code == 200

    await move_job(client, office, job, "start", "complete")
    closed = assert_problem(await _assign(client, office, job, fran), 409)
    assert "COMPLETED" in closed["detail"]
    job_after = (await client.get(f"/jobs/{job}", headers=office)).json()
    assert job_after["technicianId"] == fran


async def test_bad_input_and_missing_records(client: httpx.AsyncClient, office: Headers) -> None:
    job = (await create_job(client, office))["id"]
    tech = (await create_technician(client, office))["id"]
    for body, status, field in [
        ({}, 400, "technicianId"),
        ({"technicianId": 0}, 400, "technicianId"),
        ({"technicianId": tech, "extra": 1}, 400, "extra"),
        ({"technicianId": 999999}, 422, "technicianId"),
    ]:
        response = await client.post(f"/jobs/{job}/assign", json=body, headers=office)
        assert_problem(response, status, field)
    assert_problem(await _assign(client, office, 999999, tech), 404)
    missing = await client.post("/jobs/999999/match-technician", headers=office)
    assert_problem(missing, 404)
