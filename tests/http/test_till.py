"""Recording like a till through the real app: paidAt/incurredAt default to now, an unstated
payment method (UNKNOWN in the totals), clearing the referrer, lastServiceDate at registration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.fakes import FakeClock
from tests.http.conftest import assert_problem
from tests.http.helpers import (
    appliance_body,
    create_customer,
    create_payment,
    customer_body,
    expense_body,
    payment_body,
    rejected,
    same_instant,
    without,
)

NOW = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def clock(container) -> FakeClock:
    fake = FakeClock(NOW)
    container.clock.override(fake)
    return fake


async def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


async def test_a_payment_without_paid_at_or_method_is_paid_now_by_an_unstated_method(
    client, office, clock
):
    customer = (await create_customer(client, office))["id"]
    body = without(payment_body(customer), "paidAt", "paymentMethod")
    payment = await _ok(await client.post("/payments", json=body, headers=office), 201)
    assert same_instant(payment["paidAt"], NOW.isoformat())
    assert payment["paymentMethod"] is None
    # A revision that leaves paidAt out keeps it; an explicit null method is accepted too.
    clock.set(datetime(2026, 12, 3, tzinfo=UTC))
    revised = payment_body(customer, amount="99.00", paymentMethod=None)
    del revised["paidAt"]
    url = f"/payments/{payment['id']}"
    again = await _ok(await client.put(url, json=revised, headers=office))
    assert same_instant(again["paidAt"], NOW.isoformat()) and again["amount"] == "99.00"


async def test_paid_at_may_be_left_out_but_not_null(client, office, clock):
    customer = (await create_customer(client, office))["id"]
    body = payment_body(customer, paidAt=None)
    await rejected(client, office, "POST", "/payments", body, 400, "paidAt")


async def test_an_expense_without_incurred_at_is_incurred_now(client, office, clock):
    customer = (await create_customer(client, office))["id"]
    body = without(expense_body(customerId=customer), "incurredAt")
    expense = await _ok(await client.post("/expenses", json=body, headers=office), 201)
    assert same_instant(expense["incurredAt"], NOW.isoformat())
    await rejected(
        client, office, "POST", "/expenses", {**body, "incurredAt": None}, 400, "incurredAt"
    )


async def test_unstated_methods_are_totalled_as_unknown(client, office, clock):
    customer = (await create_customer(client, office))["id"]
    await create_payment(client, office, customer, amount="10.00", paymentMethod=None)
    await create_payment(client, office, customer, amount="5.50", paymentMethod=None)
    await create_payment(client, office, customer, amount="1.00", paymentMethod="CASH")
    fin = await _ok(await client.get(f"/customers/{customer}/financials", headers=office))
    by_method = {m["paymentMethod"]: (m["amount"], m["count"]) for m in fin["byPaymentMethod"]}
    assert by_method == {"CASH": ("1.00", 1), "UNKNOWN": ("15.50", 2)}
    view = await _ok(await client.get(f"/customers/{customer}", headers=office))
    assert sorted(p["paymentMethod"] or "-" for p in view["payments"]) == ["-", "-", "CASH"]


async def _referred(client, office) -> tuple[int, dict]:
    referrer = await create_customer(client, office, name="Ref")
    customer = await _ok(
        await client.post(
            "/customers",
            json=customer_body(name="New", referralCode=referrer["referralCode"]),
            headers=office,
        ),
        201,
    )
    assert customer["referredById"] == referrer["id"]
    return referrer["id"], customer


def _details(customer: dict) -> dict:
    return {k: customer[k] for k in ("name", "phone", "email", "address", "timeZone", "notes")}


@pytest.mark.parametrize("clearing", [{"referralCode": ""}, {"referredById": None}])
async def test_the_referrer_is_cleared_by_an_empty_code_or_an_explicit_null(
    client, office, admin, clearing
):
    referrer_id, customer = await _referred(client, office)
    url = f"/customers/{customer['id']}"
    kept = await _ok(await client.put(url, json=_details(customer), headers=office))
    assert kept["referredById"] == referrer_id  # left out: unchanged
    kept = await _ok(
        await client.put(url, json={**_details(customer), "referralCode": None}, headers=office)
    )
    assert kept["referredById"] == referrer_id  # a null code: unchanged too
    cleared = await _ok(
        await client.put(url, json={**_details(customer), **clearing}, headers=office)
    )
    assert cleared["referredById"] is None
    trail = await _ok(
        await client.get(
            "/audit-entries",
            params={"entity": "customer", "entityId": customer["id"]},
            headers=admin,
        )
    )
    assert trail["items"][0]["changes"] == {"referredById": [referrer_id, None]}


async def test_the_referrer_is_set_by_id_and_refused_when_both_ways_are_given(client, office):
    _, customer = await _referred(client, office)
    other = await create_customer(client, office, name="Other")
    url = f"/customers/{customer['id']}"
    moved = await _ok(
        await client.put(
            url, json={**_details(customer), "referredById": other["id"]}, headers=office
        )
    )
    assert moved["referredById"] == other["id"]
    both = {**_details(customer), "referralCode": other["referralCode"], "referredById": None}
    assert_problem(await client.put(url, json=both, headers=office), 422, "referredById")
    itself = {**_details(customer), "referredById": customer["id"]}
    response = await client.put(url, json=itself, headers=office)
    assert response.status_code == 422, response.text


async def test_last_service_date_is_accepted_at_registration_but_never_in_the_future(
    client, office, clock
):
    customer = (await create_customer(client, office))["id"]
    body = appliance_body(customer, lastServiceDate="2026-06-01T10:00:00+02:00")
    appliance = await _ok(await client.post("/appliances", json=body, headers=office), 201)
    assert same_instant(appliance["lastServiceDate"], "2026-06-01T08:00:00Z")
    assert appliance["jobId"] is None
    future = appliance_body(customer, lastServiceDate="2026-12-02T16:00:00Z")
    await rejected(client, office, "POST", "/appliances", future, 422, "lastServiceDate")
    naive = appliance_body(customer, lastServiceDate="2026-06-01T10:00:00")
    await rejected(client, office, "POST", "/appliances", naive, 422, "lastServiceDate")
    # An update does not take it: the service history then moves only by completed jobs.
    url = f"/appliances/{appliance['id']}"
    response = await client.put(url, json=body, headers=office)
    assert_problem(response, 400, "lastServiceDate")


async def test_openapi_says_what_may_be_left_out_and_what_may_be_null(client):
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]

    def prop(name: str, field: str) -> dict:
        return schemas[name]["properties"][field]

    def nullable(p: dict) -> bool:
        return any(o.get("type") == "null" for o in p.get("oneOf", [])) or "null" in str(
            p.get("type")
        )

    assert "paidAt" not in schemas["PaymentIn"].get("required", [])
    assert "paymentMethod" not in schemas["PaymentIn"].get("required", [])
    assert not nullable(prop("PaymentIn", "paidAt"))
    assert nullable(prop("PaymentIn", "paymentMethod"))
    assert "incurredAt" not in schemas["ExpenseIn"].get("required", [])
    assert not nullable(prop("ExpenseIn", "incurredAt"))
    assert nullable(prop("CustomerUpdateIn", "referredById"))
    assert "referredById" not in schemas["CustomerIn"]["properties"]
    assert "lastServiceDate" in schemas["ApplianceCreateIn"]["properties"]
    assert "lastServiceDate" not in schemas["ApplianceIn"]["properties"]
    methods = next(s for n, s in schemas.items() if "enum" in s and "UNKNOWN" in s["enum"])
    assert set(methods["enum"]) == {"CASH", "CARD", "TRANSFER", "CHECK", "OTHER", "UNKNOWN"}
