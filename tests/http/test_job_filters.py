"""GET /jobs: `scheduledFrom` (inclusive) / `scheduledTo` (exclusive) and repeated `status`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_customer, create_job, move_job

TIMES = ["2030-01-01T09:00:00+00:00", "2030-01-02T09:00:00+00:00", "2030-01-03T09:00:00+00:00"]


@pytest.fixture
async def jobs(client: httpx.AsyncClient, office: Headers) -> list[int]:
    customer_id = (await create_customer(client, office))["id"]
    made = [(await create_job(client, office, customer_id, scheduledFor=t))["id"] for t in TIMES]
    await move_job(client, office, made[0], "start")
    await move_job(client, office, made[2], "cancel")
    return made


async def ids(client: httpx.AsyncClient, headers: Headers, params: Any) -> list[int]:
    response = await client.get("/jobs", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["items"]]


async def test_the_window_includes_its_start_and_excludes_its_end(
    client: httpx.AsyncClient, office: Headers, jobs: list[int]
) -> None:
    window = {"scheduledFrom": TIMES[1], "scheduledTo": TIMES[2]}
    assert await ids(client, office, window) == [jobs[1]]
    assert await ids(client, office, {"scheduledFrom": TIMES[1]}) == [jobs[2], jobs[1]]
    assert await ids(client, office, {"scheduledTo": "2030-01-02T10:00:00+00:30"}) == [
        jobs[1],
        jobs[0],
    ]


async def test_any_of_several_statuses(
    client: httpx.AsyncClient, office: Headers, jobs: list[int]
) -> None:
    both = [("status", "SCHEDULED"), ("status", "IN_PROGRESS")]
    assert await ids(client, office, both) == [jobs[1], jobs[0]]
    assert await ids(client, office, {"status": "CANCELLED"}) == [jobs[2]]
    window = [*both, ("scheduledFrom", TIMES[1])]
    assert await ids(client, office, window) == [jobs[1]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "LOST"}, "status"),
        ({"scheduledFrom": "tomorrow"}, "scheduledFrom"),
        ({"scheduledTo": "2030-01-01T09:00:00"}, "scheduledTo"),  # no offset
    ],
)
async def test_bad_values_are_a_400_naming_the_parameter(
    client: httpx.AsyncClient, office: Headers, params: dict[str, str], field: str
) -> None:
    response = await client.get("/jobs", params=params, headers=office)
    assert_problem(response, 400, field)
