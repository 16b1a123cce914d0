"""/reviews through the real app: one review per completed job, by its customer."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_completed_job,
    create_customer,
    create_job,
    create_review,
    create_technician,
    move_job,
    rejected,
    review_body,
    total,
    without,
)

KEYS = {"id", "jobId", "customerId", "technicianId", "rating", "comment", "createdAt"}


@pytest.fixture
async def job(client, office) -> dict:
    """A completed job with a technician."""
    return await create_completed_job(client, office)


async def test_create_returns_201_camel_case_and_is_listed(client, office, job):
    body = review_body(job, rating=4, comment="  Quick and tidy  ")
    response = await client.post("/reviews", json=body, headers=office)
    assert response.status_code == 201, response.text
    review = response.json()
    assert_resource(review)
    assert set(review) == KEYS
    assert (review["jobId"], review["customerId"], review["technicianId"]) == (
        job["id"],
        job["customerId"],
        job["technicianId"],
    )
    assert (review["rating"], review["comment"]) == (4, "Quick and tidy")
    listed = (await client.get(f"/reviews?jobId={job['id']}", headers=office)).json()
    assert listed["items"] == [review] and listed["total"] == 1


async def test_the_jobs_technician_may_be_named(client, office, job):
    review = await create_review(client, office, job, technicianId=job["technicianId"])
    assert review["technicianId"] == job["technicianId"] and review["comment"] is None


async def test_list_filters_by_job_customer_and_technician(client, office, job):
    mine = await create_review(client, office, job)
    other_customer = (await create_customer(client, office, name="Other"))["id"]
    other_job = await create_completed_job(client, office, other_customer)
    theirs = await create_review(client, office, other_job, rating=2)

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/reviews?{query}", headers=office)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [r["id"] for r in page["items"]]

    assert await ids("") == [theirs["id"], mine["id"]]
    assert await ids(f"jobId={job['id']}") == [mine["id"]]
    assert await ids(f"customerId={job['customerId']}") == [mine["id"]]
    assert await ids(f"customerId={other_customer}") == [theirs["id"]]
    assert await ids(f"technicianId={other_job['technicianId']}") == [theirs["id"]]
    assert await ids(f"jobId={job['id']}&customerId={other_customer}") == []
    assert await ids("jobId=999999") == []
    page = (await client.get("/reviews?limit=1&offset=1", headers=office)).json()
    assert page["total"] == 2 and [r["id"] for r in page["items"]] == [mine["id"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("jobId=x", "jobId"),
        ("customerId=0", "customerId"),
        ("technicianId=-3", "technicianId"),
        ("limit=201", "limit"),
    ],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/reviews?{query}", headers=office), 400, field)


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"rating": 0}, 400, "rating"),
        ({"rating": 6}, 400, "rating"),
        ({"rating": -1}, 400, "rating"),
        ({"rating": 10**30}, 400, "rating"),
        ({"rating": 4.5}, 400, "rating"),
        ({"rating": "five"}, 400, "rating"),
        ({"rating": True}, 400, "rating"),
        ({"rating": None}, 400, "rating"),
        ({"comment": "x" * 5001}, 400, "comment"),
        ({"comment": "a\x00b"}, 400, "comment"),
        ({"jobId": None}, 400, "jobId"),
        ({"jobId": 999999}, 422, "jobId"),
        ({"customerId": None}, 400, "customerId"),
        ({"customerId": 999999}, 422, "customerId"),
        ({"technicianId": 999999}, 422, "technicianId"),
        ({"technicianId": "x"}, 400, "technicianId"),
        ({"createdAt": "2030-01-01T00:00:00Z"}, 400, "createdAt"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(client, office, job, changes, status, field):
    missing = [key for key, value in changes.items() if value is None]
    body = without(review_body(job, **changes), *missing)
    await rejected(client, office, "POST", "/reviews", body, status, field)


async def test_a_review_of_someone_elses_job_is_422_naming_customer_id(client, office, job):
    other = (await create_customer(client, office, name="Mallory"))["id"]
    body = review_body(job, customerId=other)
    await rejected(client, office, "POST", "/reviews", body, 422, "customerId")


async def test_a_review_about_another_technician_is_422(client, office, job):
    other = (await create_technician(client, office, name="Tina"))["id"]
    body = review_body(job, technicianId=other)
    await rejected(client, office, "POST", "/reviews", body, 422, "technicianId")


@pytest.mark.parametrize("steps", [[], ["start"], ["cancel"], ["start", "cancel"]])
async def test_only_a_completed_job_is_reviewed(client, office, steps):
    tech = (await create_technician(client, office))["id"]
    job = await create_job(client, office, technicianId=tech)
    await move_job(client, office, job["id"], *steps)
    problem = await rejected(client, office, "POST", "/reviews", review_body(job), 409)
    assert "only a completed job" in problem["detail"]


async def test_a_completed_job_without_technician_is_422_naming_job_id(client, office):
    job = await create_job(client, office)
    done = await move_job(client, office, job["id"], "start", "complete")
    await rejected(client, office, "POST", "/reviews", review_body(done), 422, "jobId")


async def test_a_second_review_of_a_job_is_409(client, office, job):
    first = await create_review(client, office, job)
    problem = await rejected(client, office, "POST", "/reviews", review_body(job, rating=1), 409)
    assert "already been reviewed" in problem["detail"]
    listed = (await client.get(f"/reviews?jobId={job['id']}", headers=office)).json()
    assert listed["items"] == [first]


async def test_a_reviewed_job_cannot_be_deleted(client, office, job):
    await create_review(client, office, job)
    assert_problem(await client.delete(f"/jobs/{job['id']}", headers=office), 409)
    assert await total(client, "/reviews", office) == 1


async def test_malformed_json_is_400_problem(client, office):
    await rejected(client, office, "POST", "/reviews", b'{"rating": 5,,}', 400)


async def test_needs_a_token(client, job):
    assert_problem(await client.get("/reviews"), 401)
    assert_problem(await client.post("/reviews", json=review_body(job)), 401)
