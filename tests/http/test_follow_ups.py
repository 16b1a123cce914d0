"""/follow-ups through the real app: opening, rescheduling, feedback and the state machine."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_completed_job,
    create_customer,
    create_follow_up,
    follow_up_body,
    rejected,
    same_instant,
    without,
)

KEYS = {
    "id",
    "jobId",
    "customerId",
    "status",
    "followUpDate",
    "satisfactionRating",
    "feedback",
    "suggestion",
    "createdAt",
}
WHEN = "2030-02-01T10:00:00+02:00"


@pytest.fixture
async def job(client, office) -> dict:
    return await create_completed_job(client, office)


async def put(client, headers, follow_up_id: int, body):
    return await client.put(f"/follow-ups/{follow_up_id}", json=body, headers=headers)


async def test_create_pending_returns_201_camel_case_and_get_round_trips(client, office, job):
    response = await client.post("/follow-ups", json=follow_up_body(job["id"]), headers=office)
    assert response.status_code == 201, response.text
    follow_up = response.json()
    assert_resource(follow_up)
    assert set(follow_up) == KEYS
    assert (follow_up["jobId"], follow_up["customerId"]) == (job["id"], job["customerId"])
    assert follow_up["status"] == "PENDING" and follow_up["followUpDate"] is None
    assert follow_up["satisfactionRating"] is None and follow_up["feedback"] is None
    assert follow_up["suggestion"] is None  # only the daily suggestion pass writes one
    fetched = await client.get(f"/follow-ups/{follow_up['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == follow_up


async def test_create_with_a_date_is_scheduled(client, office, job):
    follow_up = await create_follow_up(
        client,
        office,
        job["id"],
        customerId=job["customerId"],
        followUpDate=WHEN,
        satisfactionRating=4,
        feedback=" ok ",
    )
    assert follow_up["status"] == "SCHEDULED"
    assert_resource(follow_up, "followUpDate")
    assert same_instant(follow_up["followUpDate"], "2030-02-01T08:00:00Z")
    assert (follow_up["satisfactionRating"], follow_up["feedback"]) == (4, "ok")


async def test_put_walks_the_state_machine(client, office, job):
    follow_up = await create_follow_up(client, office, job["id"])
    url = f"/follow-ups/{follow_up['id']}"
    scheduled = await put(client, office, follow_up["id"], {"followUpDate": WHEN})
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "SCHEDULED"
    assert same_instant(scheduled.json()["followUpDate"], WHEN)
    sent = await put(client, office, follow_up["id"], {"status": "SENT"})
    assert sent.status_code == 200 and sent.json()["status"] == "SENT"
    done = await put(
        client,
        office,
        follow_up["id"],
        {"status": "COMPLETED", "satisfactionRating": 5, "feedback": "Fridge is cold again"},
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["satisfactionRating"], body["feedback"]) == (
        "COMPLETED",
        5,
        "Fridge is cold again",
    )
    assert body["createdAt"] == follow_up["createdAt"]
    assert (await client.get(url, headers=office)).json() == body
    # Late feedback is still recorded on a completed follow-up.
    late = await put(client, office, follow_up["id"], {"feedback": "still cold"})
    assert late.status_code == 200 and late.json()["feedback"] == "still cold"


async def test_an_empty_put_changes_nothing(client, office, job):
    follow_up = await create_follow_up(client, office, job["id"])
    response = await put(client, office, follow_up["id"], {})
    assert response.status_code == 200 and response.json() == follow_up


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["COMPLETED"], "PENDING"),
        (["CANCELLED"], "SENT"),
        (["SENT"], "SCHEDULED"),
        (["SENT", "FAILED"], "COMPLETED"),
        ([], "NO_RESPONSE"),
    ],
)
async def test_illegal_transition_is_409_and_changes_nothing(client, office, job, path, refused):
    follow_up = await create_follow_up(client, office, job["id"])
    for status in path:
        assert (await put(client, office, follow_up["id"], {"status": status})).status_code == 200
    url = f"/follow-ups/{follow_up['id']}"
    before = (await client.get(url, headers=office)).json()
    body = {"status": refused, "feedback": "not kept", "satisfactionRating": 2}
    problem = await rejected(client, office, "PUT", url, body, 409)
    assert refused in problem["detail"]
    assert (await client.get(url, headers=office)).json() == before


async def test_rescheduling_a_sent_follow_up_is_409(client, office, job):
    follow_up = await create_follow_up(client, office, job["id"], followUpDate=WHEN)
    await put(client, office, follow_up["id"], {"status": "SENT"})
    url = f"/follow-ups/{follow_up['id']}"
    await rejected(client, office, "PUT", url, {"followUpDate": WHEN}, 409)


async def test_list_filters_by_customer_status_and_job(client, office, job):
    pending = await create_follow_up(client, office, job["id"])
    scheduled = await create_follow_up(client, office, job["id"], followUpDate=WHEN)
    other_job = await create_completed_job(client, office)
    foreign = await create_follow_up(client, office, other_job["id"])

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/follow-ups?{query}", headers=office)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [f["id"] for f in page["items"]]

    customer = job["customerId"]
    assert await ids("") == [foreign["id"], scheduled["id"], pending["id"]]
    assert await ids(f"customerId={customer}") == [scheduled["id"], pending["id"]]
    assert await ids(f"customerId={customer}&status=PENDING") == [pending["id"]]
    assert await ids("status=SCHEDULED") == [scheduled["id"]]
    assert await ids(f"jobId={other_job['id']}") == [foreign["id"]]
    assert await ids(f"jobId={other_job['id']}&customerId={customer}") == []
    assert await ids("status=COMPLETED") == []
    page = (await client.get("/follow-ups?limit=2&offset=2", headers=office)).json()
    assert page["total"] == 3 and [f["id"] for f in page["items"]] == [pending["id"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=DONE", "status"),
        ("status=pending", "status"),
        ("customerId=x", "customerId"),
        ("jobId=0", "jobId"),
        ("limit=500", "limit"),
    ],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/follow-ups?{query}", headers=office), 400, field)


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"jobId": None}, 400, "jobId"),
        ({"jobId": 999999}, 422, "jobId"),
        ({"jobId": "one"}, 400, "jobId"),
        ({"customerId": 999999}, 422, "customerId"),
        ({"followUpDate": "2030-02-01T10:00:00"}, 422, "followUpDate"),
        ({"followUpDate": "0001-01-01T00:00:00+01:00"}, 422, "followUpDate"),
        ({"followUpDate": "9999-12-31T23:59:59-05:00"}, 422, "followUpDate"),
        ({"followUpDate": "soon"}, 400, "followUpDate"),
        ({"satisfactionRating": 0}, 400, "satisfactionRating"),
        ({"satisfactionRating": 6}, 400, "satisfactionRating"),
        ({"satisfactionRating": 2.5}, 400, "satisfactionRating"),
        ({"feedback": "x" * 5001}, 400, "feedback"),
        ({"feedback": "a\x00b"}, 400, "feedback"),
        ({"status": "COMPLETED"}, 400, "status"),
        ({"job_id": 1}, 400, "job_id"),
    ],
)
async def test_bad_create_is_refused_naming_the_field(client, office, job, changes, status, field):
    missing = [key for key, value in changes.items() if value is None]
    body = without(follow_up_body(job["id"], **changes), *missing)
    await rejected(client, office, "POST", "/follow-ups", body, status, field)


async def test_a_customer_other_than_the_jobs_is_422_naming_customer_id(client, office, job):
    other = (await create_customer(client, office, name="Mallory"))["id"]
    body = follow_up_body(job["id"], customerId=other)
    await rejected(client, office, "POST", "/follow-ups", body, 422, "customerId")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"status": "DONE"}, 400, "status"),
        ({"status": "pending"}, 400, "status"),
        ({"status": 3}, 400, "status"),
        ({"followUpDate": "2030-02-01T10:00:00"}, 422, "followUpDate"),
        ({"followUpDate": "9999-12-31T23:59:59-05:00"}, 422, "followUpDate"),
        ({"satisfactionRating": 0}, 400, "satisfactionRating"),
        ({"satisfactionRating": 6}, 400, "satisfactionRating"),
        ({"feedback": "a\x00b"}, 400, "feedback"),
        ({"jobId": 1}, 400, "jobId"),
        ({"customerId": 1}, 400, "customerId"),
    ],
)
async def test_bad_update_is_refused_naming_the_field(client, office, job, body, status, field):
    follow_up = await create_follow_up(client, office, job["id"])
    url = f"/follow-ups/{follow_up['id']}"
    await rejected(client, office, "PUT", url, body, status, field)
    assert (await client.get(url, headers=office)).json() == follow_up


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_unknown_follow_up_is_404(client, office, method):
    body = {"status": "SENT"} if method == "PUT" else None
    response = await client.request(method, "/follow-ups/999999", json=body, headers=office)
    assert_problem(response, 404)


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_malformed_json_is_400_problem(client, office, job, method):
    url = "/follow-ups"
    if method == "PUT":
        url = f"/follow-ups/{(await create_follow_up(client, office, job['id']))['id']}"
    await rejected(client, office, method, url, b'{"status": SENT}', 400)


async def test_needs_a_token(client):
    assert_problem(await client.get("/follow-ups"), 401)
    assert_problem(await client.get("/follow-ups/1"), 401)
