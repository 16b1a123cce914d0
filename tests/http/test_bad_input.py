"""Bad input through the real app, on SQLite and PostgreSQL: every case is a 4xx problem
document naming what was wrong, and nothing is stored. Odd but valid text round-trips."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import (
    appliance_body,
    create_customer,
    create_job,
    created,
    customer_body,
    expense_body,
    follow_up_body,
    job_body,
    listing,
    payment_body,
    rejected,
)

Body = dict[str, Any]
COLLECTIONS = ["/customers", "/jobs", "/payments", "/expenses", "/appliances", "/follow-ups"]


@dataclass(frozen=True)
class Resource:
    """A collection, how to build a valid body for it, and its free-text fields."""

    path: str
    text_fields: tuple[str, ...]
    build: Callable[[httpx.AsyncClient, Headers], Awaitable[Body]]


async def _customer(client: httpx.AsyncClient, headers: Headers) -> Body:
    return customer_body()


async def _job(client: httpx.AsyncClient, headers: Headers) -> Body:
    return job_body((await create_customer(client, headers))["id"])


async def _payment(client: httpx.AsyncClient, headers: Headers) -> Body:
    return payment_body((await create_customer(client, headers))["id"])


async def _expense(client: httpx.AsyncClient, headers: Headers) -> Body:
    return expense_body()


async def _appliance(client: httpx.AsyncClient, headers: Headers) -> Body:
    return appliance_body((await create_customer(client, headers))["id"])


async def _follow_up(client: httpx.AsyncClient, headers: Headers) -> Body:
    return follow_up_body((await create_job(client, headers))["id"])


RESOURCES = {
    "customers": Resource("/customers", ("name", "address", "notes"), _customer),
    "jobs": Resource("/jobs", ("description", "appliance", "notes"), _job),
    "payments": Resource("/payments", ("reference",), _payment),
    "expenses": Resource("/expenses", ("category", "description"), _expense),
    "appliances": Resource("/appliances", ("brand", "modelNumber", "serialNumber"), _appliance),
    "follow-ups": Resource("/follow-ups", ("feedback",), _follow_up),
}
TEXT_FIELDS = [(name, field) for name, r in RESOURCES.items() for field in r.text_fields]

ODD_BUT_VALID = {
    "sql-quote": "'; DROP TABLE customers; --",
    "sql-or": '" OR 1=1 --',
    "sql-union": "x' UNION SELECT password_hash FROM users --",
    "rtl": "مرحبا بالعالم שלום",
    "bidi-override": "abc\u202edcba",
    "emoji": "🔧 fixed 👍🏽 👨\u200d👩\u200d👧",
    "combining": "Cafe\u0301 Z\u0351\u0352a\u0315",
    "backslashes": "C:\\temp\\%_*?",
}


async def _counts(client: httpx.AsyncClient, headers: Headers) -> dict[str, int]:
    return {path: (await listing(client, path, headers))["total"] for path in COLLECTIONS}


# --- text that looks dangerous or unusual is stored and returned verbatim ------------------


@pytest.mark.parametrize("text", ODD_BUT_VALID.values(), ids=ODD_BUT_VALID.keys())
@pytest.mark.parametrize("resource", RESOURCES.values(), ids=RESOURCES.keys())
async def test_odd_text_round_trips_in_every_text_field(
    client: httpx.AsyncClient, office: Headers, resource: Resource, text: str
):
    body = await resource.build(client, office)
    for field in resource.text_fields:
        body[field] = text
    before = await _counts(client, office)
    made = await created(client, resource.path, body, office)
    again = await client.get(f"{resource.path}/{made['id']}", headers=office)
    assert again.status_code == 200
    for field in resource.text_fields:
        assert made[field] == text and again.json()[field] == text
    after = await _counts(client, office)  # every table still there, one more row
    assert after[resource.path] == before[resource.path] + 1
    found = await client.get("/customers", params={"q": text}, headers=office)
    assert found.status_code == 200  # searching for it is harmless too


# --- NUL and broken unicode ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS)
async def test_nul_in_any_text_field_is_a_400_naming_it(
    client: httpx.AsyncClient, office: Headers, name: str, field: str
):
    resource = RESOURCES[name]
    body = await resource.build(client, office)
    body[field] = "before\u0000after"
    before = await _counts(client, office)
    problem = await rejected(client, office, "POST", resource.path, body, 400, field)
    assert "NUL" in problem["detail"]
    assert await _counts(client, office) == before


async def test_nul_in_an_update_and_in_a_nested_message_is_a_400(
    client: httpx.AsyncClient, office: Headers
):
    customer = await create_customer(client, office)
    problem = await rejected(
        client,
        office,
        "PUT",
        f"/customers/{customer['id']}",
        customer_body(notes="a\u0000"),
        400,
        "notes",
    )
    assert "NUL" in problem["detail"]
    stored = (await client.get(f"/customers/{customer['id']}", headers=office)).json()
    assert stored["notes"] == customer["notes"]
    job = await create_job(client, office)
    body = follow_up_body(job["id"], message={"body": "hello\u0000"})
    await rejected(client, office, "POST", "/follow-ups", body, 400, "message.body")
    assert (await listing(client, "/messages", office))["total"] == 0


async def test_nul_in_a_query_parameter_is_a_400(client: httpx.AsyncClient, office: Headers):
    response = await client.get("/customers", params={"q": "x\u0000"}, headers=office)
    assert_problem(response, 400, "q")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "lone \\ud800 high"}',
        b'{"name": "lone \\udc00 low"}',
        b'{"name": "bad utf-8 \xed\xa0\x80"}',
        b'{"name": "truncated \xe2\x82"}',
    ],
    ids=["escaped-high", "escaped-low", "raw-surrogate", "truncated-utf8"],
)
async def test_lone_surrogates_and_broken_utf8_are_a_400(
    client: httpx.AsyncClient, office: Headers, raw: bytes
):
    await rejected(client, office, "POST", "/customers", raw, 400)


# --- malformed bodies, wrong content types, huge bodies ------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": ',
        b'{"name": "x",}',
        b"{'name': 'x'}",
        b'{"name": NaN}',
        b"null",
        b'["name"]',
        b'"name"',
        b'{"name": "x"} trailing',
    ],
)
async def test_malformed_json_is_a_400(client: httpx.AsyncClient, office: Headers, raw: bytes):
    await rejected(client, office, "POST", "/customers", raw, 400)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (json.dumps(customer_body()).encode(), "text/plain"),
        (b"name=Ada", "application/x-www-form-urlencoded"),
        (
            b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        (json.dumps(customer_body()).encode(), "application/xml"),
        (json.dumps(customer_body()).encode(), None),
    ],
    ids=["text-plain", "form", "multipart", "xml", "none"],
)
async def test_a_non_json_body_on_a_json_endpoint_is_a_415(
    client: httpx.AsyncClient, office: Headers, content: bytes, content_type: str | None
):
    before = await _counts(client, office)
    headers = {**office, **({"content-type": content_type} if content_type else {})}
    response = await client.post("/customers", content=content, headers=headers)
    body = assert_problem(response, 415)
    assert "application/json" in body["detail"]
    assert await _counts(client, office) == before


async def test_json_with_a_charset_is_accepted(client: httpx.AsyncClient, office: Headers):
    response = await client.post(
        "/customers",
        content=json.dumps(customer_body()).encode(),
        headers={**office, "content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201, response.text


async def test_a_body_over_the_limit_is_a_413(client: httpx.AsyncClient, office: Headers):
    huge = json.dumps(customer_body(notes="x" * (1024 * 1024 + 10))).encode()
    await rejected(client, office, "POST", "/customers", huge, 413)


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS)
async def test_text_over_its_maximum_length_is_a_400_naming_it(
    client: httpx.AsyncClient, office: Headers, name: str, field: str
):
    resource = RESOURCES[name]
    body = await resource.build(client, office)
    body[field] = "x" * 5001  # longer than the longest text field (5000)
    await rejected(client, office, "POST", resource.path, body, 400, field)


async def test_too_many_items_is_a_400_naming_the_field(client: httpx.AsyncClient, office: Headers):
    body = {"name": "Grace", "skills": [f"skill-{n}" for n in range(51)]}
    await rejected(client, office, "POST", "/technicians", body, 400, "skills")


# --- amounts ------------------------------------------------------------------------------

BAD_AMOUNTS = {
    "negative": "-1",
    "zero": "0",
    "huge-number": 1e30,
    "huge-text": "1e30",
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "too-many-decimals": "1.234",
    "not-a-number": "twelve",
    "empty": "",
}


@pytest.mark.parametrize("amount", BAD_AMOUNTS.values(), ids=BAD_AMOUNTS.keys())
@pytest.mark.parametrize("name", ["payments", "expenses"])
async def test_bad_amounts_are_refused_naming_the_field(
    client: httpx.AsyncClient, office: Headers, name: str, amount: Any
):
    resource = RESOURCES[name]
    body = {**await resource.build(client, office), "amount": amount}
    before = await _counts(client, office)
    response = await client.post(resource.path, json=body, headers=office)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code, "amount")
    assert await _counts(client, office) == before


async def test_zero_decimal_currency_refuses_cents(client: httpx.AsyncClient, office: Headers):
    body = {**await _expense(client, office), "amount": "100.5", "currency": "JPY"}
    await rejected(client, office, "POST", "/expenses", body, 422, "amount")


# --- ids that do not exist, or cannot ----------------------------------------------------

MISSING = 999_999


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("jobs", "customerId"),
        ("jobs", "technicianId"),
        ("jobs", "applianceId"),
        ("payments", "customerId"),
        ("payments", "jobId"),
        ("expenses", "customerId"),
        ("expenses", "jobId"),
        ("appliances", "customerId"),
        ("follow-ups", "jobId"),
    ],
)
async def test_a_reference_to_a_missing_row_is_refused_naming_the_field(
    client: httpx.AsyncClient, office: Headers, name: str, field: str
):
    resource = RESOURCES[name]
    body = {**await resource.build(client, office), field: MISSING}
    before = await _counts(client, office)
    response = await client.post(resource.path, json=body, headers=office)
    assert response.status_code in (404, 422), response.text
    assert_problem(response, response.status_code, field)
    assert await _counts(client, office) == before


@pytest.mark.parametrize("value", [0, -1, 2**31, "one", 1.5, True, None])
async def test_an_impossible_id_is_a_400_naming_the_field(
    client: httpx.AsyncClient, office: Headers, value: Any
):
    body = {**await _job(client, office), "customerId": value}
    await rejected(client, office, "POST", "/jobs", body, 400, "customerId")


@pytest.mark.parametrize("path", [f"{path}/{MISSING}" for path in COLLECTIONS])
async def test_missing_rows_are_404(client: httpx.AsyncClient, office: Headers, path: str):
    assert_problem(await client.get(path, headers=office), 404)


@pytest.mark.parametrize("path", ["/customers/0", "/customers/-1", "/customers/abc"])
async def test_impossible_path_ids_are_4xx(client: httpx.AsyncClient, office: Headers, path: str):
    response = await client.get(path, headers=office)
    assert response.status_code in (400, 404)
    assert_problem(response, response.status_code)


async def test_updating_a_missing_row_is_404_and_stores_nothing(
    client: httpx.AsyncClient, office: Headers
):
    before = await _counts(client, office)
    response = await client.put(f"/customers/{MISSING}", json=customer_body(), headers=office)
    assert_problem(response, 404)
    assert await _counts(client, office) == before


# --- fields the client may not write (API3) -----------------------------------------------

SERVER_OWNED = [
    ("customers", "id"),
    ("customers", "createdAt"),
    ("customers", "referredById"),
    ("customers", "role"),
    ("jobs", "id"),
    ("jobs", "status"),
    ("jobs", "completionDate"),
    ("jobs", "createdAt"),
    ("payments", "id"),
    ("payments", "createdAt"),
    ("expenses", "id"),
    ("appliances", "id"),
    ("follow-ups", "status"),
    ("follow-ups", "suggestion"),
    ("follow-ups", "createdAt"),
]


@pytest.mark.parametrize(("name", "field"), SERVER_OWNED)
async def test_a_server_owned_field_is_a_400_naming_it(
    client: httpx.AsyncClient, office: Headers, name: str, field: str
):
    resource = RESOURCES[name]
    body = {**await resource.build(client, office), field: "x"}
    await rejected(client, office, "POST", resource.path, body, 400, field)


@pytest.mark.parametrize("field", ["id", "createdAt", "passwordHash"])  # referredById: settable
async def test_a_server_owned_field_on_update_is_a_400_naming_it(
    client: httpx.AsyncClient, office: Headers, field: str
):
    customer = await create_customer(client, office)
    await rejected(
        client,
        office,
        "PUT",
        f"/customers/{customer['id']}",
        customer_body(**{field: 1}),
        400,
        field,
    )


@pytest.mark.parametrize("field", ["passwordHash", "id", "createdAt", "active"])
async def test_user_creation_refuses_server_owned_fields(
    client: httpx.AsyncClient, admin: Headers, field: str
):
    body = {"username": "someone", "password": "long-enough-pw-9", "role": "office", field: "x"}
    await rejected(client, admin, "POST", "/users", body, 400, field)


async def test_a_snake_case_field_is_refused_naming_it(client: httpx.AsyncClient, office: Headers):
    body = {**await _job(client, office), "customer_id": 1}
    await rejected(client, office, "POST", "/jobs", body, 400, "customer_id")
