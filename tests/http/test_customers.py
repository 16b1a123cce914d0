"""/customers through the real app: shapes, round trips, paging, errors."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_resource,
    create_customer,
    create_job,
    create_payment,
    customer_body,
    listing,
    rejected,
    total,
    without,
    write_url,
)

WRITES = ["POST", "PUT"]
FULL = {
    "name": "  Ada Lovelace ",
    "phone": "+1 (415) 555-0123",
    "email": "Ada@Example.COM",
    "address": "12 Analytical Way",
    "timeZone": "Europe/London",
    "notes": "gate code 1234",
}


PREFERENCE_AND_REFERRAL_FIELDS = {
    "referralCode",
    "referredById",
    "preferredTechnicianId",
    "preferredContactMethod",
    "preferredContactTimes",
    "communicationFrequencyPreference",
    "languagePreference",
    "marketingConsent",
}


def customer_part(view: dict, like: dict) -> dict:
    """The Customer View's own customer fields (GET returns the whole view)."""
    ids = {"referredById": "referredBy", "preferredTechnicianId": "preferredTechnician"}
    part = {k: view[k] for k in like if k not in ids}
    for key, ref in ids.items():
        if key in like:
            part[key] = view[ref]["id"] if view[ref] else None
    return part


async def test_create_returns_201_camel_case_and_get_round_trips(client, office):
    response = await client.post("/customers", json=FULL, headers=office)
    assert response.status_code == 201, response.text
    body = response.json()
    assert_resource(body)
    assert set(body) == {*FULL, "id", "createdAt", *PREFERENCE_AND_REFERRAL_FIELDS}
    assert body["name"] == "Ada Lovelace"
    assert body["phone"] == "+14155550123"
    assert body["email"] == "ada@example.com"
    assert body["timeZone"] == "Europe/London"
    fetched = await client.get(f"/customers/{body['id']}", headers=office)
    assert fetched.status_code == 200 and customer_part(fetched.json(), body) == body


async def test_defaults_of_optional_fields(client, office):
    body = await create_customer(client, office, phone=None)
    assert body["timeZone"] == "UTC"
    assert body["phone"] is body["email"] is body["address"] is body["notes"] is None


async def test_put_replaces_the_details(client, office):
    customer = await create_customer(client, office, **FULL)
    response = await client.put(
        f"/customers/{customer['id']}", json={"name": "Ada King"}, headers=office
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["id"] == customer["id"] and updated["createdAt"] == customer["createdAt"]
    assert updated["name"] == "Ada King"
    assert updated["phone"] is None and updated["timeZone"] == "UTC"
    view = (await client.get(f"/customers/{customer['id']}", headers=office)).json()
    assert customer_part(view, updated) == updated


async def test_list_pages_newest_first_with_total(client, office):
    ids = [(await create_customer(client, office, name=f"C{n}"))["id"] for n in range(3)]
    first = (await client.get("/customers?limit=2", headers=office)).json()
    assert first["total"] == 3 and first["limit"] == 2 and first["offset"] == 0
    assert [c["id"] for c in first["items"]] == ids[:0:-1]
    rest = (await client.get("/customers?limit=2&offset=2", headers=office)).json()
    assert [c["id"] for c in rest["items"]] == [ids[0]] and rest["total"] == 3
    beyond = (await client.get("/customers?offset=10", headers=office)).json()
    assert beyond["items"] == [] and beyond["total"] == 3
    default = (await client.get("/customers", headers=office)).json()
    assert default["limit"] == 50 and default["offset"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=201", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
async def test_bad_paging_is_400_naming_the_parameter(client, office, query, field):
    assert_problem(await client.get(f"/customers?{query}", headers=office), 400, field)


async def test_delete_is_204_then_404(client, office):
    customer = await create_customer(client, office)
    response = await client.delete(f"/customers/{customer['id']}", headers=office)
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(f"/customers/{customer['id']}", headers=office), 404)
    assert_problem(await client.delete(f"/customers/{customer['id']}", headers=office), 404)
    assert await total(client, "/customers", office) == 0


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_customer_is_404(client, office, method):
    body = customer_body() if method == "PUT" else None
    response = await client.request(method, "/customers/999999", json=body, headers=office)
    problem = assert_problem(response, 404)
    assert "999999" in problem["detail"]


async def test_out_of_range_path_id_is_400(client, office):
    assert_problem(await client.get("/customers/99999999999", headers=office), 400)


async def test_deleting_a_customer_with_jobs_is_409_and_keeps_the_customer(client, office):
    job = await create_job(client, office)
    response = await client.delete(f"/customers/{job['customerId']}", headers=office)
    assert_problem(response, 409)
    assert (await client.get(f"/customers/{job['customerId']}", headers=office)).status_code == 200


async def test_deleting_a_customer_with_payments_is_409(client, office):
    payment = await create_payment(client, office)
    assert_problem(await client.delete(f"/customers/{payment['customerId']}", headers=office), 409)
    assert await total(client, "/customers", office) == 1


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (without(customer_body(), "name"), 400, "name"),
        (customer_body(name="   "), 400, "name"),
        (customer_body(name="x" * 201), 400, "name"),
        (customer_body(name=42), 400, "name"),
        (customer_body(name="nul\x00byte"), 400, "name"),
        (customer_body(phone="555-CALL-NOW"), 400, "phone"),
        (customer_body(phone="0123"), 400, "phone"),
        (customer_body(phone=4155550123), 400, "phone"),
        (customer_body(email="not-an-email"), 400, "email"),
        (customer_body(email="a\x00@example.com"), 400, "email"),
        (customer_body(timeZone="Mars/Olympus_Mons"), 400, "timeZone"),
        (customer_body(timeZone="localtime"), 400, "timeZone"),  # the host's file, no IANA name
        (customer_body(notes="n\x00"), 400, "notes"),
        (customer_body(favouriteColour="teal"), 400, "favouriteColour"),
        (customer_body(time_zone="UTC"), 400, "time_zone"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(client, office, method, body, status, field):
    url = await write_url(client, office, method, "/customers", customer_body())
    await rejected(client, office, method, url, body, status, field)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("raw", [b"{not json", b"", b"[]", b"null", b'"Ada"'])
async def test_malformed_body_is_400_problem(client, office, method, raw):
    url = await write_url(client, office, method, "/customers", customer_body())
    await rejected(client, office, method, url, raw, 400)


async def test_rejected_write_keeps_the_stored_customer(client, office):
    customer = await create_customer(client, office, **FULL)
    before = await listing(client, "/customers", office)
    response = await client.put(
        f"/customers/{customer['id']}", json=customer_body(phone="nope"), headers=office
    )
    assert_problem(response, 400, "phone")
    assert await listing(client, "/customers", office) == before
