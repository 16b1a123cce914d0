"""/customers/{id}/technician-rating(s) through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_completed_job,
    create_customer,
    create_job,
    create_technician,
    rejected,
    without,
)

KEYS = {"id", "customerId", "technicianId", "jobId", "rating", "createdAt"}


def rating_body(job: dict[str, Any], /, **overrides: Any) -> dict[str, Any]:
    return {"technicianId": job["technicianId"], "jobId": job["id"], "rating": 4, **overrides}


def rate_url(customer_id: int) -> str:
    return f"/customers/{customer_id}/technician-rating"


def list_url(customer_id: int) -> str:
    return f"/customers/{customer_id}/technician-ratings"


@pytest.fixture
async def job(client, office) -> dict:
    return await create_completed_job(client, office)


async def rate(client, headers, job: dict[str, Any], **overrides: Any) -> Any:
    response = await client.post(
        rate_url(job["customerId"]), json=rating_body(job, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def refuse(client, headers, customer_id: int, body: Any, status: int, field=None) -> Any:
    """The rating is refused and the customer's ratings are unchanged."""
    return await rejected(
        client,
        headers,
        "POST",
        rate_url(customer_id),
        body,
        status,
        field,
        collection=list_url(customer_id),
    )


async def test_rate_returns_201_camel_case_and_is_listed(client, office, job):
    rated = await rate(client, office, job)
    assert_resource(rated)
    assert set(rated) == KEYS
    assert (rated["customerId"], rated["technicianId"], rated["jobId"], rated["rating"]) == (
        job["customerId"],
        job["technicianId"],
        job["id"],
        4,
    )
    response = await client.get(list_url(job["customerId"]), headers=office)
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [rated], "total": 1, "limit": 50, "offset": 0}


async def test_list_is_the_customers_only_newest_first_and_pages(client, office, job):
    customer_id = job["customerId"]
    first = await rate(client, office, job)
    second_job = await create_completed_job(client, office, customer_id)
    second = await rate(client, office, second_job, rating=2)
    await rate(client, office, await create_completed_job(client, office))  # someone else's
    page = (await client.get(list_url(customer_id), headers=office)).json()
    assert [r["id"] for r in page["items"]] == [second["id"], first["id"]]
    assert page["total"] == 2
    page = (await client.get(f"{list_url(customer_id)}?limit=1&offset=1", headers=office)).json()
    assert [r["id"] for r in page["items"]] == [first["id"]] and page["total"] == 2


async def test_a_customer_without_ratings_has_an_empty_list(client, office):
    customer_id = (await create_customer(client, office))["id"]
    page = (await client.get(list_url(customer_id), headers=office)).json()
    assert (page["items"], page["total"]) == ([], 0)


async def test_unknown_customer_is_404_on_both_routes(client, office, job):
    assert_problem(await client.get(list_url(999999), headers=office), 404)
    response = await client.post(rate_url(999999), json=rating_body(job), headers=office)
    assert_problem(response, 404)


@pytest.mark.parametrize("path", ["0", "abc", "-1", str(2**31)])
async def test_bad_customer_id_in_the_path_is_4xx(client, office, path):
    response = await client.get(f"/customers/{path}/technician-ratings", headers=office)
    assert response.status_code in (400, 404), response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"rating": 0}, 400, "rating"),
        ({"rating": 6}, 400, "rating"),
        ({"rating": 3.5}, 400, "rating"),
        ({"rating": None}, 400, "rating"),
        ({"jobId": None}, 400, "jobId"),
        ({"jobId": 999999}, 422, "jobId"),
        ({"technicianId": None}, 400, "technicianId"),
        ({"technicianId": 999999}, 422, "technicianId"),
        ({"customerId": 1}, 400, "customerId"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(client, office, job, changes, status, field):
    missing = [key for key, value in changes.items() if value is None]
    body = without(rating_body(job, **changes), *missing)
    await refuse(client, office, job["customerId"], body, status, field)


async def test_a_job_of_another_technician_is_422_naming_technician_id(client, office, job):
    other = (await create_technician(client, office, name="Tina"))["id"]
    body = rating_body(job, technicianId=other)
    await refuse(client, office, job["customerId"], body, 422, "technicianId")


async def test_a_job_of_another_customer_is_422_naming_job_id(client, office, job):
    other = (await create_customer(client, office, name="Mallory"))["id"]
    await refuse(client, office, other, rating_body(job), 422, "jobId")


async def test_a_job_without_technician_is_422_naming_job_id(client, office):
    tech = (await create_technician(client, office))["id"]
    job = await create_job(client, office)
    await refuse(
        client, office, job["customerId"], rating_body(job, technicianId=tech), 422, "jobId"
    )


async def test_a_second_rating_for_a_job_is_409(client, office, job):
    await rate(client, office, job)
    await refuse(client, office, job["customerId"], rating_body(job, rating=1), 409)


async def test_malformed_json_is_400_problem(client, office, job):
    await refuse(client, office, job["customerId"], b"[1, 2", 400)


async def test_needs_a_token(client, job):
    assert_problem(await client.get(list_url(job["customerId"])), 401)
    response = await client.post(rate_url(job["customerId"]), json=rating_body(job))
    assert_problem(response, 401)
