"""Every timestamp a client sends is within the documented range (years 1900-2199 as written,
`domain.validation.EARLIEST_YEAR`/`LATEST_YEAR`), so nothing stored can make a read fail: the
extremes that used to overflow on PostgreSQL's decode (year 1 or 9999 with an offset) are
refused with a 422 naming the field, and the edges of the range round-trip."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from entrypoints.http.openapi_instants import DATE_TIME_PATTERN
from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_customer, create_job, job_body

OUT_OF_RANGE = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "0001-01-01T00:00:00-05:00",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:00:00-05:00",
]
EDGES = ["1900-01-01T00:00:00+14:00", "2199-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
async def test_a_timestamp_outside_the_range_is_a_422_naming_it_and_stores_nothing(
    client: httpx.AsyncClient, office: Headers, when: str
) -> None:
    customer = await create_customer(client, office)
    response = await client.post(
        "/jobs", json=job_body(customer["id"], scheduledFor=when), headers=office
    )
    assert_problem(response, 422, "scheduledFor")
    payment = {"customerId": customer["id"], "amount": "10.00", "currency": "USD", "paidAt": when}
    assert_problem(await client.post("/payments", json=payment, headers=office), 422, "paidAt")
    view = await client.get(f"/customers/{customer['id']}", headers=office)
    assert view.status_code == 200, view.text
    assert view.json()["jobs"] == []


@pytest.mark.parametrize("when", EDGES)
async def test_the_edges_of_the_range_are_stored_and_the_customer_view_reads_them(
    client: httpx.AsyncClient, office: Headers, when: str
) -> None:
    job: Any = await create_job(client, office, scheduledFor=when)
    view = await client.get(f"/customers/{job['customerId']}", headers=office)
    assert view.status_code == 200, view.text
    assert [item["id"] for item in view.json()["jobs"]] == [job["id"]]
    listed = await client.get("/jobs", params={"scheduledFrom": when}, headers=office)
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
async def test_a_list_filter_outside_the_range_is_a_400_naming_it(
    client: httpx.AsyncClient, office: Headers, when: str
) -> None:
    response = await client.get("/jobs", params={"scheduledFrom": when}, headers=office)
    assert_problem(response, 400, "scheduledFrom")


async def test_a_list_filter_takes_only_an_rfc3339_timestamp(
    client: httpx.AsyncClient, office: Headers
) -> None:
    for text in ("0.5", "1700000000", "2030-01-02", "2030-01-02T09:00:00"):
        response = await client.get("/jobs", params={"scheduledTo": text}, headers=office)
        assert_problem(response, 400, "scheduledTo")


async def test_dates_outside_the_range_are_refused_in_a_body_and_a_filter(
    client: httpx.AsyncClient, office: Headers
) -> None:
    customer = await create_customer(client, office)
    appliance = {"customerId": customer["id"], "type": "fridge", "installedOn": "1899-12-31"}
    assert_problem(
        await client.post("/appliances", json=appliance, headers=office), 422, "installedOn"
    )
    appliance["installedOn"] = "1900-01-01"
    assert (await client.post("/appliances", json=appliance, headers=office)).status_code == 201
    response = await client.get(
        "/maintenance-alerts", params={"dueBefore": "2200-01-01"}, headers=office
    )
    assert_problem(response, 400, "dueBefore")


async def test_the_document_states_the_range_on_every_timestamp_a_client_sends(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    job_in = document["components"]["schemas"]["JobCreateIn"]["properties"]["scheduledFor"]
    assert job_in["pattern"] == DATE_TIME_PATTERN
    parameters = document["paths"]["/jobs"]["get"]["parameters"]
    scheduled_to = next(p for p in parameters if p["name"] == "scheduledTo")
    assert scheduled_to["schema"]["pattern"] == DATE_TIME_PATTERN
    assert scheduled_to["schema"]["format"] == "date-time"


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("1900-01-01T00:00:00+14:00", True),
        ("2199-12-31T23:59:59.123456-12:00", True),
        ("2030-01-02t09:00:00z", True),
        ("1899-12-31T23:59:59Z", False),
        ("2200-01-01T00:00:00Z", False),
        ("2030-01-02T09:00:00", False),
        ("2030-13-02T09:00:00Z", False),
    ],
)
def test_the_pattern_is_the_domain_range(text: str, matches: bool) -> None:
    assert (re.match(DATE_TIME_PATTERN, text) is not None) is matches
