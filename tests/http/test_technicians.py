"""/technicians through the real app: shapes, round trips, the active filter, errors."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_job,
    create_technician,
    rejected,
    technician_body,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]


async def test_create_returns_201_camel_case_and_get_round_trips(client, office):
    response = await client.post(
        "/technicians",
        json={
            "name": "Grace Hopper",
            "phone": "+44 20 7946 0958",
            "email": "Grace@Navy.MIL",
            "skills": [" Fridges", "ovens", "FRIDGES"],
        },
        headers=office,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert_resource(body)
    assert set(body) == {"id", "name", "phone", "email", "skills", "active", "createdAt"}
    assert body["phone"] == "+442079460958" and body["email"] == "grace@navy.mil"
    assert body["skills"] == ["fridges", "ovens"]
    assert body["active"] is True
    fetched = await client.get(f"/technicians/{body['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == body


async def test_put_replaces_details_and_can_deactivate(client, office):
    tech = await create_technician(client, office)
    response = await client.put(
        f"/technicians/{tech['id']}",
        json={"name": "Grace B. Hopper", "skills": [], "active": False},
        headers=office,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "Grace B. Hopper" and updated["skills"] == []
    assert updated["active"] is False and updated["createdAt"] == tech["createdAt"]
    assert (await client.get(f"/technicians/{tech['id']}", headers=office)).json() == updated


async def test_list_filters_by_active_and_pages(client, office):
    on = [(await create_technician(client, office, name=f"On {n}"))["id"] for n in range(3)]
    off = (await create_technician(client, office, name="Off", active=False))["id"]
    active = (await client.get("/technicians?active=true", headers=office)).json()
    assert active["total"] == 3 and sorted(t["id"] for t in active["items"]) == on
    inactive = (await client.get("/technicians?active=false", headers=office)).json()
    assert [t["id"] for t in inactive["items"]] == [off] and inactive["total"] == 1
    page = (await client.get("/technicians?limit=2&offset=1", headers=office)).json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1
    assert [t["id"] for t in page["items"]] == [on[2], on[1]]


@pytest.mark.parametrize(
    ("query", "field"),
    [("active=maybe", "active"), ("limit=201", "limit"), ("offset=-5", "offset")],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/technicians?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office):
    tech = await create_technician(client, office)
    response = await client.delete(f"/technicians/{tech['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/technicians/{tech['id']}", headers=office), 404)
    assert await total(client, "/technicians", office) == 0


async def test_deleting_a_technician_with_jobs_is_409(client, office):
    tech = await create_technician(client, office)
    await create_job(client, office, technicianId=tech["id"])
    assert_problem(await client.delete(f"/technicians/{tech['id']}", headers=office), 409)
    assert (await client.get(f"/technicians/{tech['id']}", headers=office)).status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_technician_is_404(client, office, method):
    body = technician_body() if method == "PUT" else None
    response = await client.request(method, "/technicians/999999", json=body, headers=office)
    assert_problem(response, 404)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (without(technician_body(), "name"), 400, "name"),
        (technician_body(name=""), 400, "name"),
        (technician_body(name=" "), 400, "name"),
        (technician_body(phone="call me"), 400, "phone"),
        (technician_body(email="grace@"), 400, "email"),
        (technician_body(skills="fridges"), 400, "skills"),
        (technician_body(skills=[" "]), 400, "skills[0]"),
        (technician_body(skills=["x" * 61]), 400, "skills[0]"),
        (technician_body(active="yes"), 400, "active"),
        (technician_body(rating=5), 400, "rating"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(client, office, method, body, status, field):
    url = await write_url(client, office, method, "/technicians", technician_body())
    await rejected(client, office, method, url, body, status, field)


@pytest.mark.parametrize("method", WRITES)
async def test_malformed_json_is_400_problem(client, office, method):
    url = await write_url(client, office, method, "/technicians", technician_body())
    await rejected(client, office, method, url, b'{"name": "Grace",', 400)
