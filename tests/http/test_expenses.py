"""/expenses through the real app: money, optional customer/job links, errors."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_customer,
    create_expense,
    create_job,
    expense_body,
    rejected,
    same_instant,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]
KEYS = {
    "id",
    "amount",
    "currency",
    "category",
    "description",
    "incurredAt",
    "customerId",
    "jobId",
    "createdAt",
}


async def test_create_returns_201_camel_case_and_get_round_trips(client, office):
    job = await create_job(client, office)
    body = expense_body(
        amount="19.9",
        category=" Parts ",
        description="compressor relay",
        customerId=job["customerId"],
        jobId=job["id"],
        incurredAt="2030-01-03T08:15:00-05:00",
    )
    response = await client.post("/expenses", json=body, headers=office)
    assert response.status_code == 201, response.text
    expense = response.json()
    assert_resource(expense, "incurredAt")
    assert set(expense) == KEYS
    assert (expense["amount"], expense["currency"]) == ("19.90", "USD")
    assert expense["category"] == "Parts" and expense["description"] == "compressor relay"
    assert (expense["customerId"], expense["jobId"]) == (job["customerId"], job["id"])
    assert same_instant(expense["incurredAt"], "2030-01-03T13:15:00Z")
    fetched = await client.get(f"/expenses/{expense['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == expense


async def test_links_are_optional_and_a_job_alone_is_enough(client, office):
    shop = await create_expense(client, office)
    assert shop["customerId"] is None and shop["jobId"] is None and shop["description"] is None
    job = await create_job(client, office)
    only_job = await create_expense(client, office, jobId=job["id"])
    assert only_job["jobId"] == job["id"] and only_job["customerId"] is None


async def test_put_corrects_an_expense(client, office):
    expense = await create_expense(client, office)
    customer = await create_customer(client, office)
    body = expense_body(amount="1000", currency="JPY", category="fuel", customerId=customer["id"])
    response = await client.put(f"/expenses/{expense['id']}", json=body, headers=office)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["amount"], updated["currency"]) == ("1000", "JPY")
    assert updated["category"] == "fuel" and updated["customerId"] == customer["id"]
    assert updated["createdAt"] == expense["createdAt"]
    assert (await client.get(f"/expenses/{expense['id']}", headers=office)).json() == updated


async def test_list_filters_by_customer_and_job_and_pages(client, office):
    job = await create_job(client, office)
    customer_id = job["customerId"]
    shop = (await create_expense(client, office))["id"]
    for_customer = (await create_expense(client, office, customerId=customer_id))["id"]
    for_job = (await create_expense(client, office, customerId=customer_id, jobId=job["id"]))["id"]

    async def ids(query: str) -> list[int]:
        page = (await client.get(f"/expenses?{query}", headers=office)).json()
        assert page["total"] == len(page["items"])
        return [e["id"] for e in page["items"]]

    assert await ids(f"customerId={customer_id}") == [for_job, for_customer]
    assert await ids(f"jobId={job['id']}") == [for_job]
    assert await ids("customerId=999999") == []
    page = (await client.get("/expenses?limit=1&offset=2", headers=office)).json()
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == [shop]


@pytest.mark.parametrize(
    ("query", "field"), [("limit=500", "limit"), ("jobId=0", "jobId"), ("offset=x", "offset")]
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/expenses?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office):
    expense = await create_expense(client, office)
    response = await client.delete(f"/expenses/{expense['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/expenses/{expense['id']}", headers=office), 404)
    assert await total(client, "/expenses", office) == 0


async def test_an_expense_blocks_deleting_its_job(client, office):
    job = await create_job(client, office)
    await create_expense(client, office, jobId=job["id"])
    assert_problem(await client.delete(f"/jobs/{job['id']}", headers=office), 409)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_expense_is_404(client, office, method):
    body = expense_body() if method == "PUT" else None
    assert_problem(await client.request(method, "/expenses/999999", json=body, headers=office), 404)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"amount": "0"}, 400, "amount"),
        ({"amount": "-3.50"}, 400, "amount"),
        ({"amount": "10.001"}, 422, "amount"),
        ({"amount": "1.5", "currency": "JPY"}, 422, "amount"),
        ({"amount": "lots"}, 400, "amount"),
        ({"amount": None}, 400, "amount"),
        ({"category": None}, 400, "category"),
        ({"category": ""}, 400, "category"),
        ({"category": "   "}, 400, "category"),
        ({"category": "\x00"}, 400, "category"),
        ({"description": 5}, 400, "description"),
        ({"incurredAt": "2030-01-03T12:00:00"}, 422, "incurredAt"),
        ({"incurredAt": "9999-12-31T23:00:00-02:00"}, 422, "incurredAt"),
        ({"incurredAt": "2030-02-30T10:00:00Z"}, 400, "incurredAt"),
        ({"customerId": 999999}, 422, "customerId"),
        ({"jobId": 999999}, 422, "jobId"),
        ({"customerId": "x"}, 400, "customerId"),
        ({"notes": "n"}, 400, "notes"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client, office, method, changes, status, field
):
    url = await write_url(client, office, method, "/expenses", expense_body())
    missing = [key for key, value in changes.items() if value is None]
    body = without(expense_body(**changes), *missing)
    await rejected(client, office, method, url, body, status, field)


@pytest.mark.parametrize("method", WRITES)
async def test_a_job_of_another_customer_is_422_naming_job_id(client, office, method):
    url = await write_url(client, office, method, "/expenses", expense_body())
    job = await create_job(client, office)
    other = await create_customer(client, office, name="Other")
    body = expense_body(customerId=other["id"], jobId=job["id"])
    await rejected(client, office, method, url, body, 422, "jobId")


@pytest.mark.parametrize("method", WRITES)
async def test_malformed_json_is_400_problem(client, office, method):
    url = await write_url(client, office, method, "/expenses", expense_body())
    await rejected(client, office, method, url, b'{"amount": "1.00" "category": "x"}', 400)
