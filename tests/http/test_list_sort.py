"""`sort=` on every list: allow-listed keys, `-` descending, several keys, ties newest first."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_customer, create_job


def test_every_list_operation_documents_its_sort_keys_as_an_enum(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    lists = [
        operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("operationId", "").startswith("list")
    ]
    assert len(lists) >= 12
    for operation in lists:
        sort = [p for p in operation.get("parameters", []) if p["name"] == "sort"]
        assert sort, operation["operationId"]
        schema = sort[0]["schema"]
        members = schema.get("oneOf") or schema.get("anyOf") or [schema]
        array = next(m for m in members if m.get("type") == "array")
        assert {"id", "-id"} <= set(array["items"]["enum"]), operation["operationId"]


async def names(client: httpx.AsyncClient, headers: Headers, **params: Any) -> list[str]:
    response = await client.get("/customers", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [customer["name"] for customer in response.json()["items"]]


async def test_customers_sort_by_name_either_way_and_by_several_keys(
    client: httpx.AsyncClient, office: Headers
) -> None:
    for name, email in [
        ("bob", "b@x.io"),
        ("Alice", None),
        ("Carol", "a@x.io"),
        ("alice", "z@x.io"),
    ]:
        await create_customer(client, office, name=name, email=email)
    assert await names(client, office) == ["alice", "Carol", "Alice", "bob"]  # default: newest
    assert await names(client, office, sort="name") == ["alice", "Alice", "bob", "Carol"]
    assert await names(client, office, sort="-name") == ["Carol", "bob", "alice", "Alice"]
    assert await names(client, office, sort="email") == ["Carol", "bob", "alice", "Alice"]
    assert await names(client, office, sort="-email") == ["alice", "bob", "Carol", "Alice"]
    assert await names(client, office, sort=["name", "id"]) == ["Alice", "alice", "bob", "Carol"]


async def test_ties_are_newest_first_so_pages_are_stable(
    client: httpx.AsyncClient, office: Headers
) -> None:
    made = [(await create_customer(client, office, name="Same"))["id"] for _ in range(3)]
    pages = []
    for offset in range(3):
        params = {"sort": "name", "limit": 1, "offset": offset}
        response = await client.get("/customers", params=params, headers=office)
        pages += [c["id"] for c in response.json()["items"]]
    assert pages == sorted(made, reverse=True)


@pytest.mark.parametrize(
    "sort", ["nope", "-phone", "name,", "name,id", "name,-bogus", "--name", " name"]
)
async def test_an_unknown_key_is_a_400_naming_sort_and_the_allowed_keys(
    client: httpx.AsyncClient, office: Headers, sort: str
) -> None:
    response = await client.get("/customers", params={"sort": sort}, headers=office)
    body = assert_problem(response, 400, "sort")
    assert "-createdAt" in body["detail"] and "name" in body["detail"]


async def test_jobs_sort_by_their_time(client: httpx.AsyncClient, office: Headers) -> None:
    customer_id = (await create_customer(client, office))["id"]
    times = ["2030-01-03T09:00:00+00:00", "2030-01-01T09:00:00+00:00", "2030-01-02T09:00:00+00:00"]
    made = [await create_job(client, office, customer_id, scheduledFor=t) for t in times]
    response = await client.get("/jobs", params={"sort": "scheduledFor"}, headers=office)
    ids = [job["id"] for job in response.json()["items"]]
    assert ids == [made[1]["id"], made[2]["id"], made[0]["id"]]
    response = await client.get("/jobs", params={"sort": "-scheduledFor"}, headers=office)
    assert [job["id"] for job in response.json()["items"]] == ids[::-1]


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/payments", "-paidAt"), ("/expenses", "incurredAt"), ("/appliances", "type"),
        ("/reviews", "-rating"), ("/technicians", "name"), ("/users", "username"),
        ("/messages", "scheduledFor"), ("/follow-ups", "followUpDate"),
        ("/audit-entries", "-occurredAt"), ("/customers/1/referrals", "createdAt"),
        ("/customers/1/technician-ratings", "-createdAt"),
    ],
)  # fmt: skip
async def test_every_list_takes_its_keys(
    client: httpx.AsyncClient, admin: Headers, path: str, key: str
) -> None:
    await create_customer(client, admin)
    response = await client.get(path, params={"sort": key}, headers=admin)
    assert response.status_code == 200, response.text
    assert_problem(await client.get(path, params={"sort": "bogus"}, headers=admin), 400, "sort")
