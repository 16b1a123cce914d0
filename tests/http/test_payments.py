"""/payments through the real app: money on the wire, payment methods, references, errors."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_customer,
    create_job,
    create_payment,
    payment_body,
    rejected,
    same_instant,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]
KEYS = {
    "id",
    "customerId",
    "jobId",
    "amount",
    "currency",
    "paymentMethod",
    "reference",
    "paidAt",
    "createdAt",
}


@pytest.fixture
async def customer_id(client, office) -> int:
    customer: dict[str, int] = await create_customer(client, office)
    return customer["id"]


async def test_create_returns_201_camel_case_and_get_round_trips(client, office, customer_id):
    job = await create_job(client, office, customer_id)
    body = payment_body(
        customer_id,
        jobId=job["id"],
        amount="125.5",
        paymentMethod="CASH",
        reference="receipt 7",
        paidAt="2030-01-03T12:00:00+01:00",
    )
    response = await client.post("/payments", json=body, headers=office)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert_resource(payment, "paidAt")
    assert set(payment) == KEYS
    assert payment["amount"] == "125.50" and payment["currency"] == "USD"
    assert payment["customerId"] == customer_id and payment["jobId"] == job["id"]
    assert payment["paymentMethod"] == "CASH" and payment["reference"] == "receipt 7"
    assert same_instant(payment["paidAt"], "2030-01-03T11:00:00Z")
    fetched = await client.get(f"/payments/{payment['id']}", headers=office)
    assert fetched.status_code == 200 and fetched.json() == payment


@pytest.mark.parametrize(
    ("amount", "currency", "shown", "shown_currency"),
    [
        ("125.50", "USD", "125.50", "USD"),
        ("7", "USD", "7.00", "USD"),
        ("99", "USD", "99.00", "USD"),
        ("0.01", "eur", "0.01", "EUR"),
        ("1500", "JPY", "1500", "JPY"),
        ("1.250", "KWD", "1.250", "KWD"),
        ("999999999999.99", "USD", "999999999999.99", "USD"),
    ],
)
async def test_money_is_a_decimal_string_in_minor_units(
    client, office, customer_id, amount, currency, shown, shown_currency
):
    payment = await create_payment(client, office, customer_id, amount=amount, currency=currency)
    assert (payment["amount"], payment["currency"]) == (shown, shown_currency)
    fetched = (await client.get(f"/payments/{payment['id']}", headers=office)).json()
    assert (fetched["amount"], fetched["currency"]) == (shown, shown_currency)


async def test_payment_method_is_accepted_on_post_and_put_and_returned_everywhere(
    client, office, customer_id
):
    payment = await create_payment(client, office, customer_id, paymentMethod="TRANSFER")
    assert payment["paymentMethod"] == "TRANSFER"
    url = f"/payments/{payment['id']}"
    response = await client.put(
        url, json=payment_body(customer_id, paymentMethod="CHECK"), headers=office
    )
    assert response.status_code == 200, response.text
    assert response.json()["paymentMethod"] == "CHECK"
    assert (await client.get(url, headers=office)).json()["paymentMethod"] == "CHECK"
    listed = (await client.get("/payments", headers=office)).json()["items"]
    assert [p["paymentMethod"] for p in listed] == ["CHECK"]


async def test_put_corrects_a_payment(client, office, customer_id):
    payment = await create_payment(client, office, customer_id)
    job = await create_job(client, office, customer_id)
    body = payment_body(customer_id, amount="80", jobId=job["id"], currency="GBP")
    response = await client.put(f"/payments/{payment['id']}", json=body, headers=office)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["amount"], updated["currency"], updated["jobId"]) == ("80.00", "GBP", job["id"])
    assert updated["createdAt"] == payment["createdAt"]
    assert (await client.get(f"/payments/{payment['id']}", headers=office)).json() == updated


async def test_list_filters_by_customer_and_job_and_pages(client, office, customer_id):
    other = (await create_customer(client, office, name="Other"))["id"]
    job = (await create_job(client, office, customer_id))["id"]
    loose = (await create_payment(client, office, customer_id))["id"]
    for_job = (await create_payment(client, office, customer_id, jobId=job))["id"]
    others = (await create_payment(client, office, other))["id"]

    async def ids(query: str) -> list[int]:
        page = (await client.get(f"/payments?{query}", headers=office)).json()
        assert page["total"] == len(page["items"])
        return [p["id"] for p in page["items"]]

    assert await ids(f"customerId={customer_id}") == [for_job, loose]
    assert await ids(f"customerId={other}") == [others]
    assert await ids(f"jobId={job}") == [for_job]
    assert await ids(f"jobId={job}&customerId={other}") == []
    page = (await client.get("/payments?limit=2&offset=1", headers=office)).json()
    assert page["total"] == 3 and [p["id"] for p in page["items"]] == [for_job, loose]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=201", "limit"), ("jobId=x", "jobId"), ("customerId=-1", "customerId")],
)
async def test_bad_query_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/payments?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office, customer_id):
    payment = await create_payment(client, office, customer_id)
    response = await client.delete(f"/payments/{payment['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/payments/{payment['id']}", headers=office), 404)
    assert_problem(await client.delete(f"/payments/{payment['id']}", headers=office), 404)
    assert await total(client, "/payments", office) == 0


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_payment_is_404(client, office, customer_id, method):
    body = payment_body(customer_id) if method == "PUT" else None
    assert_problem(await client.request(method, "/payments/999999", json=body, headers=office), 404)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"amount": "0"}, 400, "amount"),
        ({"amount": "0.00"}, 400, "amount"),
        ({"amount": "-10.00"}, 400, "amount"),
        ({"amount": -5}, 400, "amount"),
        ({"amount": "10.001"}, 422, "amount"),
        ({"amount": "10.5", "currency": "JPY"}, 422, "amount"),
        ({"amount": "1000000000000.00"}, 400, "amount"),
        ({"amount": "1e30"}, 400, "amount"),
        ({"amount": "NaN"}, 400, "amount"),
        ({"amount": "ten"}, 400, "amount"),
        ({"amount": True}, 400, "amount"),
        ({"amount": None}, 400, "amount"),
        ({"currency": "US"}, 400, "currency"),
        ({"currency": "U$D"}, 400, "currency"),
        ({"paymentMethod": "BITCOIN"}, 400, "paymentMethod"),
        ({"paymentMethod": "card"}, 400, "paymentMethod"),
        ({"paidAt": "2030-01-03T12:00:00"}, 422, "paidAt"),
        ({"paidAt": "0001-01-01T00:00:00+01:00"}, 422, "paidAt"),
        ({"paidAt": "yesterday"}, 400, "paidAt"),
        ({"reference": "x" * 201}, 400, "reference"),
        ({"reference": "r\x00"}, 400, "reference"),
        ({"customerId": None}, 400, "customerId"),
        ({"customerId": 999999}, 422, "customerId"),
        ({"jobId": 999999}, 422, "jobId"),
        ({"method": "CARD"}, 400, "method"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client, office, customer_id, method, changes, status, field
):
    url = await write_url(client, office, method, "/payments", payment_body(customer_id))
    missing = [key for key, value in changes.items() if value is None]
    body = without(payment_body(customer_id, **changes), *missing)
    await rejected(client, office, method, url, body, status, field)


@pytest.mark.parametrize("method", WRITES)
async def test_a_job_of_another_customer_is_422_naming_job_id(client, office, customer_id, method):
    url = await write_url(client, office, method, "/payments", payment_body(customer_id))
    foreign = await create_job(client, office)
    body = payment_body(customer_id, jobId=foreign["id"])
    await rejected(client, office, method, url, body, 422, "jobId")


@pytest.mark.parametrize("method", WRITES)
async def test_malformed_json_is_400_problem(client, office, customer_id, method):
    url = await write_url(client, office, method, "/payments", payment_body(customer_id))
    await rejected(client, office, method, url, b'{"amount": 12.5.0}', 400)
