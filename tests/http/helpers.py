"""Small builders and checks shared by the HTTP tests."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx

from tests.http.conftest import assert_problem

Headers = dict[str, str]
CAMEL_KEY = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def customer_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "Ada Lovelace", "phone": "+14155550123", **overrides}


def technician_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "Grace Hopper", "skills": ["fridges"], **overrides}


def job_body(customer_id: int, /, **overrides: Any) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "description": "Fridge not cooling",
        "scheduledFor": "2030-01-02T09:30:00+00:00",
        **overrides,
    }


def payment_body(customer_id: int, /, **overrides: Any) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "amount": "125.50",
        "currency": "USD",
        "paymentMethod": "CARD",
        "paidAt": "2030-01-03T12:00:00+00:00",
        **overrides,
    }


def expense_body(**overrides: Any) -> dict[str, Any]:
    return {
        "amount": "42.00",
        "currency": "USD",
        "category": "parts",
        "incurredAt": "2030-01-03T12:00:00+00:00",
        **overrides,
    }


def appliance_body(customer_id: int, /, **overrides: Any) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "type": "refrigerator",
        "brand": "Frigidaire",
        "modelNumber": "FFTR1835VW",
        "serialNumber": "SN-0042",
        **overrides,
    }


def review_body(job: dict[str, Any], /, **overrides: Any) -> dict[str, Any]:
    """A review of `job` (a job as the API returned it) by its own customer."""
    return {"jobId": job["id"], "customerId": job["customerId"], "rating": 5, **overrides}


def follow_up_body(job_id: int, /, **overrides: Any) -> dict[str, Any]:
    return {"jobId": job_id, **overrides}


async def created(client: httpx.AsyncClient, path: str, body: Any, headers: Headers) -> Any:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def create_customer(client: httpx.AsyncClient, headers: Headers, **overrides: Any) -> Any:
    return await created(client, "/customers", customer_body(**overrides), headers)


async def create_technician(client: httpx.AsyncClient, headers: Headers, **overrides: Any) -> Any:
    return await created(client, "/technicians", technician_body(**overrides), headers)


async def create_job(
    client: httpx.AsyncClient, headers: Headers, customer_id: int | None = None, **overrides: Any
) -> Any:
    if customer_id is None:
        customer_id = (await create_customer(client, headers))["id"]
    return await created(client, "/jobs", job_body(customer_id, **overrides), headers)


async def create_appliance(
    client: httpx.AsyncClient, headers: Headers, customer_id: int | None = None, **overrides: Any
) -> Any:
    if customer_id is None:
        customer_id = (await create_customer(client, headers))["id"]
    return await created(client, "/appliances", appliance_body(customer_id, **overrides), headers)


async def move_job(client: httpx.AsyncClient, headers: Headers, job_id: int, *steps: str) -> Any:
    """Take the job through lifecycle steps ("start", "complete", "cancel"); the last reply."""
    body: Any = None
    for step in steps:
        response = await client.post(f"/jobs/{job_id}/{step}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
    return body


async def create_completed_job(
    client: httpx.AsyncClient, headers: Headers, customer_id: int | None = None, **overrides: Any
) -> Any:
    """A job with a technician (a new one unless `technicianId` is given), started, completed."""
    if "technicianId" not in overrides:
        overrides["technicianId"] = (await create_technician(client, headers))["id"]
    job = await create_job(client, headers, customer_id, **overrides)
    return await move_job(client, headers, job["id"], "start", "complete")


async def create_serviced_appliance(
    client: httpx.AsyncClient, headers: Headers, **customer: Any
) -> dict[str, Any]:
    """A customer's refrigerator (installed 2018-05-01), serviced by a fridge technician in
    a completed job: {"customer", "technician", "appliance", "job"}."""
    made = await create_customer(client, headers, **customer)
    tech = await create_technician(client, headers, skills=["fridges"])
    appliance = await create_appliance(client, headers, made["id"], installedOn="2018-05-01")
    job = await create_completed_job(
        client,
        headers,
        made["id"],
        technicianId=tech["id"],
        applianceId=appliance["id"],
        appliance="Refrigerator",
    )
    return {"customer": made, "technician": tech, "appliance": appliance, "job": job}


async def create_review(
    client: httpx.AsyncClient, headers: Headers, job: dict[str, Any], **overrides: Any
) -> Any:
    return await created(client, "/reviews", review_body(job, **overrides), headers)


async def create_follow_up(
    client: httpx.AsyncClient, headers: Headers, job_id: int, **overrides: Any
) -> Any:
    return await created(client, "/follow-ups", follow_up_body(job_id, **overrides), headers)


async def create_payment(
    client: httpx.AsyncClient, headers: Headers, customer_id: int | None = None, **overrides: Any
) -> Any:
    if customer_id is None:
        customer_id = (await create_customer(client, headers))["id"]
    return await created(client, "/payments", payment_body(customer_id, **overrides), headers)


async def create_expense(client: httpx.AsyncClient, headers: Headers, **overrides: Any) -> Any:
    return await created(client, "/expenses", expense_body(**overrides), headers)


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in keys}


async def write_url(
    client: httpx.AsyncClient, headers: Headers, method: str, collection: str, body: Any
) -> str:
    """Where a write goes: the collection for POST, a freshly created member for PUT."""
    if method == "POST":
        return collection
    return f"{collection}/{(await created(client, collection, body, headers))['id']}"


async def listing(client: httpx.AsyncClient, path: str, headers: Headers) -> Any:
    response = await client.get(path, params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def rejected(
    client: httpx.AsyncClient,
    headers: Headers,
    method: str,
    url: str,
    body: Any,
    status: int,
    field: str | None = None,
    collection: str | None = None,
) -> dict[str, Any]:
    """The write is refused with a problem document and leaves the collection as it was.

    `collection` is the list to compare (by default the first segment of `url`).
    """
    collection = collection or "/" + url.strip("/").split("/")[0]
    before = await listing(client, collection, headers)
    content = body if isinstance(body, bytes) else None
    response = await client.request(
        method,
        url,
        json=None if content is not None else body,
        content=content,
        headers={**headers, "content-type": "application/json"},
    )
    problem = assert_problem(response, status, field)
    assert await listing(client, collection, headers) == before
    return problem


async def total(client: httpx.AsyncClient, path: str, headers: Headers) -> int:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["total"]
    return count


def assert_camel_keys(body: dict[str, Any]) -> None:
    bad = [key for key in body if not CAMEL_KEY.match(key)]
    assert not bad, f"keys not camelCase: {bad}"


def assert_timestamp(value: str) -> datetime:
    """An ISO 8601 timestamp carrying an offset (Z or ±hh:mm)."""
    assert re.search(r"(Z|[+-]\d{2}:\d{2})$", value), value
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


def assert_resource(body: dict[str, Any], *timestamps: str) -> None:
    """camelCase keys, an integer id and ISO 8601 timestamps with offset."""
    assert_camel_keys(body)
    assert isinstance(body["id"], int) and not isinstance(body["id"], bool)
    for name in ("createdAt", *timestamps):
        assert_timestamp(body[name])


def same_instant(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)
