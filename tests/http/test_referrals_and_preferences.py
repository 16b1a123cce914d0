"""Referrals, the preferred technician and communication preferences through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from domain.referral import ALPHABET, CODE_LENGTH
from tests.http.conftest import assert_problem
from tests.http.helpers import (
    create_customer,
    create_technician,
    customer_body,
    listing,
    rejected,
)

PREFERENCES = {
    "preferredContactMethod": "WHATSAPP",
    "preferredContactTimes": {"weekdays": ["morning", "afternoon"], "weekends": ["any"]},
    "communicationFrequencyPreference": "MODERATE",
    "languagePreference": "es-mx",
}


async def view(client: Any, headers: dict[str, str], customer_id: int) -> Any:
    response = await client.get(f"/customers/{customer_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def referrals_of(client: Any, headers: dict[str, str], customer_id: int) -> list[Any]:
    return (await listing(client, f"/customers/{customer_id}/referrals", headers))["items"]


def unused_code(*customers: dict[str, Any]) -> str:
    used = {c["referralCode"] for c in customers}
    return next(code for code in ("ZZZZZZZZ", "YYYYYYYY", "XXXXXXXX") if code not in used)


# --- referrals -------------------------------------------------------------------------


async def test_referral_code_on_create_sets_referred_by(client, office):
    ann = await create_customer(client, office, name="Ann")
    bob = await create_customer(client, office, name="Bob", referralCode=ann["referralCode"])
    assert bob["referredById"] == ann["id"]
    assert (await view(client, office, bob["id"]))["referredBy"] == {"id": ann["id"], "name": "Ann"}
    ann_view = await view(client, office, ann["id"])
    assert ann_view["referredBy"] is None and ann_view["referrals"] == [
        {"id": bob["id"], "name": "Bob"}
    ]
    referrals = await referrals_of(client, office, ann["id"])
    assert [(r["id"], r["name"]) for r in referrals] == [(bob["id"], "Bob")]
    assert await referrals_of(client, office, bob["id"]) == []


async def test_referrals_list_newest_first_with_total(client, office):
    ann = await create_customer(client, office, name="Ann")
    ids = [
        (await create_customer(client, office, name=f"R{n}", referralCode=ann["referralCode"]))[
            "id"
        ]
        for n in range(3)
    ]
    page = await listing(client, f"/customers/{ann['id']}/referrals", office)
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == ids[::-1]
    assert (await view(client, office, ann["id"]))["collections"]["referrals"]["total"] == 3


@pytest.mark.parametrize("spell", [str.lower, lambda c: f"{c[:4]}-{c[4:]}".lower()])
async def test_codes_are_accepted_lower_case_and_hyphenated(client, office, spell):
    ann = await create_customer(client, office, name="Ann")
    bob = await create_customer(client, office, name="Bob", referralCode=spell(ann["referralCode"]))
    assert bob["referredById"] == ann["id"]


async def test_unknown_code_is_422_malformed_400_and_nothing_is_created(client, office):
    ann = await create_customer(client, office, name="Ann")
    for code, status in (
        (unused_code(ann), 422),
        ("not-a-code", 422),
        ("ABC", 400),
        ("ABCD-U123", 400),
    ):
        body = customer_body(name="Bob", referralCode=code)
        await rejected(client, office, "POST", "/customers", body, status, "referralCode")


async def test_put_with_a_referral_code_sets_it_and_a_later_put_keeps_it(client, office):
    ann = await create_customer(client, office, name="Ann")
    bob = await create_customer(client, office, name="Bob")
    url = f"/customers/{bob['id']}"
    body = customer_body(name="Bob", referralCode=ann["referralCode"])
    response = await client.put(url, json=body, headers=office)
    assert response.status_code == 200 and response.json()["referredById"] == ann["id"]
    response = await client.put(url, json=customer_body(name="Bobby"), headers=office)
    assert response.status_code == 200 and response.json()["referredById"] == ann["id"]
    assert (await view(client, office, bob["id"]))["referredBy"] == {"id": ann["id"], "name": "Ann"}


async def test_self_referral_is_422(client, office):
    ann = await create_customer(client, office, name="Ann")
    body = customer_body(name="Ann", referralCode=ann["referralCode"].lower())
    problem = await rejected(
        client, office, "PUT", f"/customers/{ann['id']}", body, 422, "referralCode"
    )
    assert "itself" in problem["detail"]
    assert (await view(client, office, ann["id"]))["referredBy"] is None


async def test_referral_cycle_is_422_and_changes_nothing(client, office):
    a = await create_customer(client, office, name="A")
    b = await create_customer(client, office, name="B", referralCode=a["referralCode"])
    c = await create_customer(client, office, name="C", referralCode=b["referralCode"])
    body = customer_body(name="A renamed", referralCode=c["referralCode"])
    problem = await rejected(
        client, office, "PUT", f"/customers/{a['id']}", body, 422, "referralCode"
    )
    assert "cycle" in problem["detail"]
    a_view = await view(client, office, a["id"])
    assert a_view["name"] == "A" and a_view["referredBy"] is None
    assert (await view(client, office, c["id"]))["referrals"] == []
    # A two-step loop (B referred by C, who B referred) is refused just the same.
    body = customer_body(name="B", referralCode=c["referralCode"])
    await rejected(client, office, "PUT", f"/customers/{b['id']}", body, 422, "referralCode")


async def test_referrals_of_an_unknown_customer_is_404(client, office):
    assert_problem(await client.get("/customers/999999/referrals", headers=office), 404)


async def test_every_customer_has_a_unique_readable_code(client, office):
    customers = [await create_customer(client, office, name=f"C{n}") for n in range(25)]
    codes = [c["referralCode"] for c in customers]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    for c in customers[:3]:
        assert (await view(client, office, c["id"]))["referralCode"] == c["referralCode"]


# --- preferred technician ----------------------------------------------------------------


async def prefer(client: Any, headers: dict[str, str], customer_id: int, technician_id: Any) -> Any:
    return await client.put(
        f"/customers/{customer_id}/preferred-technician",
        json={"technicianId": technician_id},
        headers=headers,
    )


async def test_preferred_technician_is_set_shown_and_cleared(client, office):
    customer = await create_customer(client, office)
    tech = await create_technician(client, office, name="Grace")
    response = await prefer(client, office, customer["id"], tech["id"])
    assert response.status_code == 200, response.text
    assert response.json()["preferredTechnicianId"] == tech["id"]
    shown = (await view(client, office, customer["id"]))["preferredTechnician"]
    assert shown == {"id": tech["id"], "name": "Grace"}
    response = await prefer(client, office, customer["id"], None)
    assert response.status_code == 200 and response.json()["preferredTechnicianId"] is None
    assert (await view(client, office, customer["id"]))["preferredTechnician"] is None


@pytest.mark.parametrize("case", ["unknown", "inactive"])
async def test_unknown_or_inactive_technician_is_422_and_keeps_the_preference(client, office, case):
    customer = await create_customer(client, office)
    kept = await create_technician(client, office, name="Kept")
    assert (await prefer(client, office, customer["id"], kept["id"])).status_code == 200
    technician_id = 999999
    if case == "inactive":
        technician_id = (await create_technician(client, office, active=False))["id"]
    url = f"/customers/{customer['id']}/preferred-technician"
    body = {"technicianId": technician_id}
    await rejected(client, office, "PUT", url, body, 422, "technicianId")
    shown = (await view(client, office, customer["id"]))["preferredTechnician"]
    assert shown == {"id": kept["id"], "name": "Kept"}


async def test_preferred_technician_of_an_unknown_customer_is_404(client, office):
    tech = await create_technician(client, office)
    assert_problem(await prefer(client, office, 999999, tech["id"]), 404)


@pytest.mark.parametrize(
    ("body", "field"), [({}, "technicianId"), ({"technicianId": "x"}, "technicianId")]
)
async def test_preferred_technician_body_is_checked(client, office, body, field):
    customer = await create_customer(client, office)
    url = f"/customers/{customer['id']}/preferred-technician"
    await rejected(client, office, "PUT", url, body, 400, field)


# --- communication preferences -------------------------------------------------------------


def preferences_url(customer: dict[str, Any]) -> str:
    return f"/customers/{customer['id']}/communication-preferences"


def preference_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in PREFERENCES}


async def test_preferences_are_stored_canonical_and_shown_in_the_view(client, office):
    customer = await create_customer(client, office)
    assert customer["languagePreference"] == "en" and customer["preferredContactTimes"] is None
    response = await client.put(preferences_url(customer), json=PREFERENCES, headers=office)
    assert response.status_code == 200, response.text
    expected = {**PREFERENCES, "languagePreference": "es-MX"}
    assert preference_fields(response.json()) == expected
    assert preference_fields(await view(client, office, customer["id"])) == expected
    listed = await listing(client, "/customers", office)
    assert preference_fields(listed["items"][0]) == expected


async def test_contact_times_are_normalised_and_preferences_can_be_cleared(client, office):
    customer = await create_customer(client, office)
    body = {"preferredContactTimes": {"weekdays": ["evening", "morning", "morning"]}}
    response = await client.put(preferences_url(customer), json=body, headers=office)
    assert response.status_code == 200, response.text
    times = (await view(client, office, customer["id"]))["preferredContactTimes"]
    assert times == {"weekdays": ["morning", "evening"], "weekends": []}
    response = await client.put(preferences_url(customer), json={}, headers=office)
    cleared = preference_fields(response.json())
    assert cleared == dict.fromkeys(PREFERENCES) | {"languagePreference": "en"}


def with_times(times: Any) -> dict[str, Any]:
    return {**PREFERENCES, "preferredContactTimes": times}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            with_times({"weekdays": ["morning"], "holidays": ["any"]}),
            400,
            "preferredContactTimes.holidays",
        ),
        (with_times({"weekdays": ["midnight"]}), 400, "preferredContactTimes.weekdays[0]"),
        (with_times({"weekends": ["any"] * 5}), 400, "preferredContactTimes.weekends"),
        (with_times({"weekdays": "morning"}), 400, "preferredContactTimes.weekdays"),
        (with_times({"weekdays": [1]}), 400, "preferredContactTimes.weekdays[0]"),
        (with_times(["morning"]), 400, "preferredContactTimes"),
        ({**PREFERENCES, "languagePreference": "english!"}, 400, "languagePreference"),
        ({**PREFERENCES, "languagePreference": "e"}, 400, "languagePreference"),
        ({**PREFERENCES, "languagePreference": "x" * 36}, 400, "languagePreference"),
        ({**PREFERENCES, "preferredContactMethod": "FAX"}, 400, "preferredContactMethod"),
        ({**PREFERENCES, "preferredContactMethod": "whatsapp"}, 400, "preferredContactMethod"),
        (
            {**PREFERENCES, "communicationFrequencyPreference": "ALWAYS"},
            400,
            "communicationFrequencyPreference",
        ),
        ({**PREFERENCES, "favouriteChannel": "pigeon"}, 400, "favouriteChannel"),
    ],
)
async def test_bad_preferences_are_refused_naming_the_field(client, office, body, status, field):
    customer = await create_customer(client, office)
    stored = await client.put(
        preferences_url(customer), json={"preferredContactMethod": "EMAIL"}, headers=office
    )
    assert stored.status_code == 200, stored.text
    before = await view(client, office, customer["id"])
    problem = await rejected(client, office, "PUT", preferences_url(customer), body, status)
    # msgspec names a dict's values `preferredContactTimes[...]`: the field, with a path suffix.
    fields = [error["field"] for error in problem.get("errors", [])]
    assert any(f == field or f.startswith(f"{field}[") for f in fields), problem
    assert await view(client, office, customer["id"]) == before


async def test_preferences_of_an_unknown_customer_is_404(client, office):
    url = "/customers/999999/communication-preferences"
    assert_problem(await client.put(url, json=PREFERENCES, headers=office), 404)


async def test_marketing_consent_is_recorded_with_the_preferences(client, office):
    customer = (await client.post("/customers", json={"name": "Mia"}, headers=office)).json()
    assert customer["marketingConsent"] is False
    url = f"/customers/{customer['id']}/communication-preferences"
    response = await client.put(url, json={"marketingConsent": True}, headers=office)
    assert response.status_code == 200, response.text
    assert response.json()["marketingConsent"] is True
    view = (await client.get(f"/customers/{customer['id']}", headers=office)).json()
    assert view["marketingConsent"] is True
    # Leaving it out keeps what was recorded.
    again = await client.put(url, json={"languagePreference": "fr"}, headers=office)
    assert again.json()["marketingConsent"] is True
