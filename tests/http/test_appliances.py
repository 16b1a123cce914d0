"""/appliances through the real app, and jobs that name an appliance and service it."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    appliance_body,
    assert_resource,
    create_appliance,
    create_customer,
    create_job,
    job_body,
    move_job,
    rejected,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]
KEYS = {
    "id",
    "customerId",
    "type",
    "brand",
    "modelNumber",
    "serialNumber",
    "installedOn",
    "lastServiceDate",
    "jobId",
    "createdAt",
    "updatedAt",
}


@pytest.fixture
async def customer_id(client, office) -> int:
    customer: dict[str, int] = await create_customer(client, office)
    return customer["id"]


async def test_create_returns_201_camel_case_and_get_round_trips(client, office, customer_id):
    body = appliance_body(customer_id, type=" Dishwasher ", installedOn="2021-06-30")
    response = await client.post("/appliances", json=body, headers=office)
    assert response.status_code == 201, response.text
    appliance = response.json()
    assert_resource(appliance, "updatedAt")
    assert set(appliance) == KEYS
    assert appliance["customerId"] == customer_id and appliance["type"] == "dishwasher"
    assert (appliance["brand"], appliance["modelNumber"], appliance["serialNumber"]) == (
        "Frigidaire",
        "FFTR1835VW",
        "SN-0042",
    )
    assert appliance["installedOn"] == "2021-06-30"
    assert appliance["lastServiceDate"] is None and appliance["jobId"] is None
    fetched = await client.get(f"/appliances/{appliance['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == appliance


async def test_optional_fields_may_be_left_out(client, office, customer_id):
    body = {"customerId": customer_id, "type": "oven"}
    response = await client.post("/appliances", json=body, headers=office)
    assert response.status_code == 201, response.text
    appliance = response.json()
    assert appliance["type"] == "oven"
    optional = ("brand", "modelNumber", "serialNumber", "installedOn")
    assert [appliance[key] for key in optional] == [None] * len(optional)


async def test_put_revises_and_keeps_created_at(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    body = appliance_body(customer_id, brand="Bosch", serialNumber=None, installedOn="2019-01-01")
    response = await client.put(f"/appliances/{appliance['id']}", json=body, headers=office)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["brand"], updated["serialNumber"], updated["installedOn"]) == (
        "Bosch",
        None,
        "2019-01-01",
    )
    assert updated["createdAt"] == appliance["createdAt"]
    assert updated["updatedAt"] >= appliance["updatedAt"]
    assert (await client.get(f"/appliances/{appliance['id']}", headers=office)).json() == updated


async def test_put_cannot_move_an_appliance_to_another_customer(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    other = (await create_customer(client, office, name="Other"))["id"]
    url = f"/appliances/{appliance['id']}"
    await rejected(client, office, "PUT", url, appliance_body(other), 422, "customerId")


async def test_list_filters_by_customer_and_pages(client, office, customer_id):
    other = (await create_customer(client, office, name="Other"))["id"]
    first = (await create_appliance(client, office, customer_id))["id"]
    foreign = (await create_appliance(client, office, other))["id"]
    last = (await create_appliance(client, office, customer_id, type="washer"))["id"]

    async def ids(query: str) -> list[int]:
        page = (await client.get(f"/appliances?{query}", headers=office)).json()
        return [a["id"] for a in page["items"]]

    assert await ids(f"customerId={customer_id}") == [last, first]
    assert await ids(f"customerId={other}") == [foreign]
    assert await ids("customerId=999999") == []
    page = (await client.get("/appliances?limit=1&offset=1", headers=office)).json()
    assert page["total"] == 3 and [a["id"] for a in page["items"]] == [foreign]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("customerId=abc", "customerId"), ("offset=-1", "offset")],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/appliances?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    response = await client.delete(f"/appliances/{appliance['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/appliances/{appliance['id']}", headers=office), 404)
    assert_problem(await client.delete(f"/appliances/{appliance['id']}", headers=office), 404)
    assert await total(client, "/appliances", office) == 0


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_appliance_is_404(client, office, customer_id, method):
    body = appliance_body(customer_id) if method == "PUT" else None
    response = await client.request(method, "/appliances/999999", json=body, headers=office)
    assert_problem(response, 404)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"type": None}, 400, "type"),
        ({"type": "   "}, 400, "type"),
        ({"type": "x" * 101}, 400, "type"),
        ({"type": "x" * 201}, 400, "type"),
        ({"brand": "a\x00b"}, 400, "brand"),
        ({"modelNumber": 42}, 400, "modelNumber"),
        ({"serialNumber": "s" * 101}, 400, "serialNumber"),
        ({"installedOn": "2021-13-01"}, 400, "installedOn"),
        ({"installedOn": "yesterday"}, 400, "installedOn"),
        ({"customerId": None}, 400, "customerId"),
        ({"customerId": 0}, 400, "customerId"),
        ({"jobId": 1}, 400, "jobId"),
        ({"model_number": "x"}, 400, "model_number"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client, office, customer_id, method, changes, status, field
):
    url = await write_url(client, office, method, "/appliances", appliance_body(customer_id))
    missing = [key for key, value in changes.items() if value is None]
    body = without(appliance_body(customer_id, **changes), *missing)
    await rejected(client, office, method, url, body, status, field)


async def test_an_unknown_customer_is_422_naming_customer_id(client, office):
    await rejected(client, office, "POST", "/appliances", appliance_body(999999), 422, "customerId")


@pytest.mark.parametrize("method", WRITES)
async def test_malformed_json_is_400_problem(client, office, customer_id, method):
    url = await write_url(client, office, method, "/appliances", appliance_body(customer_id))
    await rejected(client, office, method, url, b'{"type": ', 400)


async def test_needs_a_token(client):
    assert_problem(await client.get("/appliances"), 401)


# Jobs that name an appliance


@pytest.mark.parametrize("method", WRITES)
async def test_a_job_names_an_appliance_of_its_own_customer(client, office, customer_id, method):
    url = await write_url(client, office, method, "/jobs", job_body(customer_id))
    unknown = job_body(customer_id, applianceId=999999)
    await rejected(client, office, method, url, unknown, 422, "applianceId")
    foreign = await create_appliance(client, office)
    body = job_body(customer_id, applianceId=foreign["id"])
    await rejected(client, office, method, url, body, 422, "applianceId")
    await rejected(client, office, method, url, job_body(customer_id, applianceId=0), 400)

    own = await create_appliance(client, office, customer_id)
    response = await client.request(
        method, url, json=job_body(customer_id, applianceId=own["id"]), headers=office
    )
    assert response.status_code in (200, 201), response.text
    job = response.json()
    assert job["applianceId"] == own["id"]
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json() == job


async def test_completing_a_job_services_its_appliance(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    first = await create_job(client, office, customer_id, applianceId=appliance["id"])
    second = await create_job(client, office, customer_id, applianceId=appliance["id"])
    done = await move_job(client, office, first["id"], "start", "complete")
    serviced = (await client.get(f"/appliances/{appliance['id']}", headers=office)).json()
    assert serviced["lastServiceDate"] == done["completionDate"]
    assert serviced["jobId"] == first["id"]
    assert serviced["updatedAt"] >= appliance["updatedAt"]

    later = await move_job(client, office, second["id"], "start", "complete")
    serviced = (await client.get(f"/appliances/{appliance['id']}", headers=office)).json()
    assert serviced["lastServiceDate"] == later["completionDate"] >= done["completionDate"]
    assert serviced["jobId"] == second["id"]

    # An edit of the appliance keeps its service history.
    edited = await client.put(
        f"/appliances/{appliance['id']}", json=appliance_body(customer_id), headers=office
    )
    assert edited.json()["lastServiceDate"] == serviced["lastServiceDate"]
    assert edited.json()["jobId"] == second["id"]


async def test_a_cancelled_job_does_not_service_its_appliance(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    job = await create_job(client, office, customer_id, applianceId=appliance["id"])
    await move_job(client, office, job["id"], "start", "cancel")
    fetched = (await client.get(f"/appliances/{appliance['id']}", headers=office)).json()
    assert fetched == appliance


async def test_deleting_an_appliance_unlinks_its_jobs(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    job = await create_job(client, office, customer_id, applianceId=appliance["id"])
    await move_job(client, office, job["id"], "start", "complete")
    response = await client.delete(f"/appliances/{appliance['id']}", headers=office)
    assert response.status_code == 204, response.text
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json()["applianceId"] is None


async def test_deleting_the_service_job_keeps_the_service_date(client, office, customer_id):
    appliance = await create_appliance(client, office, customer_id)
    job = await create_job(client, office, customer_id, applianceId=appliance["id"])
    done = await move_job(client, office, job["id"], "start", "complete")
    response = await client.delete(f"/jobs/{job['id']}", headers=office)
    assert response.status_code == 204, response.text
    fetched = (await client.get(f"/appliances/{appliance['id']}", headers=office)).json()
    assert fetched["jobId"] is None and fetched["lastServiceDate"] == done["completionDate"]


async def test_a_customer_with_appliances_cannot_be_deleted(client, office, customer_id):
    await create_appliance(client, office, customer_id)
    assert_problem(await client.delete(f"/customers/{customer_id}", headers=office), 409)


async def test_the_new_routes_are_in_the_openapi_document(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    operations = {
        "/appliances": {"get": "listAppliances", "post": "createAppliance"},
        "/appliances/{applianceId}": {
            "get": "getAppliance",
            "put": "updateAppliance",
            "delete": "deleteAppliance",
        },
        "/reviews": {"get": "listReviews", "post": "createReview"},
        "/customers/{customerId}/technician-ratings": {"get": "listCustomerTechnicianRatings"},
        "/customers/{customerId}/technician-rating": {"post": "rateCustomerTechnician"},
        "/follow-ups": {"get": "listFollowUps", "post": "createFollowUp"},
        "/follow-ups/{followUpId}": {"get": "getFollowUp", "put": "updateFollowUp"},
    }
    for path, expected in operations.items():
        found = {method: op["operationId"] for method, op in paths[path].items()}
        assert found == expected, path
