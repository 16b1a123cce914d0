"""GET /customers/{id}: the whole Customer View through the real app, and the financials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from domain.appliance import Appliance, ApplianceDetails
from domain.follow_up import FollowUp, FollowUpStatus
from domain.review import Review, TechnicianRating
from entrypoints.container import Container
from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_camel_keys,
    assert_timestamp,
    create_customer,
    create_expense,
    create_job,
    create_payment,
    create_technician,
    move_job,
)

COLLECTIONS = (
    "payments", "expenses", "appliances", "jobs", "reviews", "referrals",
    "customerTechnicianRatings", "followUps", "maintenanceAlerts", "callTasks",
)  # fmt: skip
VIEW_KEYS = {
    "id", "name", "phone", "email", "address", "timeZone", "notes", "createdAt",
    "referralCode", "preferredContactMethod", "preferredContactTimes",
    "communicationFrequencyPreference", "languagePreference", "marketingConsent", "consent",
    "referredBy",
    "preferredTechnician", "collections", "financialSummary", *COLLECTIONS,
}  # fmt: skip
SUGGESTION = "Call Ada by email this week: ask how the fridge runs (recent completion)."
EUR_TEN = {"currency": "EUR", "revenue": "10.00", "expenses": "0.00", "net": "10.00"}


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2030, 1, day, hour, tzinfo=UTC)


def iso(day: int, hour: int = 12) -> str:
    return at(day, hour).isoformat()


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def assert_camel_everywhere(value: Any) -> None:
    """camelCase keys at every depth (the contact-times document's keys are data, but camel)."""
    if isinstance(value, dict):
        assert_camel_keys(value)
        for item in value.values():
            assert_camel_everywhere(item)
    elif isinstance(value, list):
        for item in value:
            assert_camel_everywhere(item)


async def get_ok(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def add_rows(container: Container, *rows: Any) -> list[int]:
    """Insert domain objects through their repositories (appliances, reviews, ...)."""
    repository = {
        Appliance: "appliances",
        Review: "reviews",
        TechnicianRating: "technician_ratings",
        FollowUp: "follow_ups",
    }
    async with container.uow() as uow:
        added = [await getattr(uow, repository[type(row)]).add(row) for row in rows]
        await uow.commit()
    return [row.id for row in added]


@dataclass
class World:
    """A customer with something of every kind, plus rows that must stay out of its view."""

    customer: dict[str, Any]
    referrer: dict[str, Any]
    referral: dict[str, Any]
    grace: dict[str, Any]
    linus: dict[str, Any]
    jobs: dict[str, dict[str, Any]]
    payments: dict[str, dict[str, Any]]
    expenses: dict[str, dict[str, Any]]
    appliances: list[int]
    reviews: list[int]
    ratings: list[int]
    follow_ups: list[int]


async def build_world(client: httpx.AsyncClient, h: dict[str, str], container: Container) -> World:
    referrer = await create_customer(client, h, name="Rita Referrer")
    customer = await create_customer(
        client, h, name="Ada", email="ada@example.com", referralCode=referrer["referralCode"]
    )
    referral = await create_customer(client, h, name="Bea", referralCode=customer["referralCode"])
    other = await create_customer(client, h, name="Other")
    grace = await create_technician(client, h, name="Grace")
    linus = await create_technician(client, h, name="Linus")
    cid = customer["id"]
    response = await client.put(
        f"/customers/{cid}/preferred-technician", json={"technicianId": grace["id"]}, headers=h
    )
    assert response.status_code == 200, response.text
    preferences = {
        "preferredContactMethod": "EMAIL",
        "preferredContactTimes": {"weekdays": ["evening"], "weekends": []},
        "communicationFrequencyPreference": "MINIMAL",
        "languagePreference": "pt-br",
    }
    response = await client.put(
        f"/customers/{cid}/communication-preferences", json=preferences, headers=h
    )
    assert response.status_code == 200, response.text

    jobs = {
        "first": await create_job(client, h, cid, technicianId=grace["id"], scheduledFor=iso(2)),
        "unassigned": await create_job(client, h, cid, scheduledFor=iso(3)),
        "last": await create_job(client, h, cid, technicianId=linus["id"], scheduledFor=iso(5)),
        "other": await create_job(client, h, other["id"], scheduledFor=iso(4)),
    }
    for name in ("first", "last"):
        await move_job(client, h, jobs[name]["id"], "start", "complete")
    job = {name: j["id"] for name, j in jobs.items()}

    payments = {
        "first_job": await create_payment(
            client, h, cid, jobId=job["first"], amount="100", paymentMethod="CARD", paidAt=iso(3)
        ),
        "first_job_eur": await create_payment(
            client, h, cid, jobId=job["first"], amount="10.00", currency="EUR", paidAt=iso(3, 13)
        ),
        "no_job": await create_payment(
            client, h, cid, amount="25.5", paymentMethod="CASH", paidAt=iso(4)
        ),
        "last_job": await create_payment(
            client, h, cid, jobId=job["last"], amount="0.05", paymentMethod="TRANSFER",
            paidAt=iso(6),
        ),
        "other": await create_payment(client, h, other["id"], paidAt=iso(9)),
    }  # fmt: skip
    expenses = {
        "direct": await create_expense(client, h, customerId=cid, amount="7", incurredAt=iso(2)),
        "job_only": await create_expense(
            client, h, jobId=job["first"], amount="30.25", incurredAt=iso(3)
        ),
        "both": await create_expense(
            client, h, customerId=cid, jobId=job["last"], amount="42", incurredAt=iso(6)
        ),
        "neither": await create_expense(client, h, incurredAt=iso(7)),
        "other_direct": await create_expense(client, h, customerId=other["id"], incurredAt=iso(8)),
        "other_job": await create_expense(client, h, jobId=job["other"], incurredAt=iso(8)),
    }

    fridge = ApplianceDetails(cid, "Fridge", "Frigidaire", installed_on=date(2029, 5, 1))
    appliances = await add_rows(
        container,
        Appliance.register(fridge, at(1)),
        Appliance.register(ApplianceDetails(cid, "Washer"), at(2)),
        Appliance.register(ApplianceDetails(other["id"], "Oven"), at(3)),
    )
    reviews = await add_rows(
        container,
        Review(job["first"], cid, grace["id"], 5, at(10), "spotless"),
        Review(job["last"], cid, linus["id"], 3, at(11)),
    )
    ratings = await add_rows(container, TechnicianRating(cid, grace["id"], job["first"], 4, at(10)))
    follow_ups = await add_rows(
        container,
        FollowUp.suggest(job["first"], cid, SUGGESTION, "suggestion:view", at(10)),
        FollowUp(job["unassigned"], cid, at(11)),
        FollowUp(job["last"], cid, at(12), FollowUpStatus.SCHEDULED, follow_up_date=at(20)),
    )
    return World(
        customer, referrer, referral, grace, linus, jobs, payments, expenses,
        appliances, reviews, ratings, follow_ups,
    )  # fmt: skip


@pytest.fixture
async def world(client, office, container) -> World:
    return await build_world(client, office, container)


async def test_view_has_every_collection_camel_case_and_complete(client, office, world):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    assert set(view) == VIEW_KEYS
    assert_camel_everywhere(view)
    assert view["name"] == "Ada" and view["referralCode"] == world.customer["referralCode"]
    assert view["preferredContactMethod"] == "EMAIL" and view["languagePreference"] == "pt-BR"
    assert view["preferredContactTimes"] == {"weekdays": ["evening"], "weekends": []}
    assert view["communicationFrequencyPreference"] == "MINIMAL"
    assert view["referredBy"] == {"id": world.referrer["id"], "name": "Rita Referrer"}
    assert view["referrals"] == [{"id": world.referral["id"], "name": "Bea"}]
    assert view["preferredTechnician"] == {"id": world.grace["id"], "name": "Grace"}
    expected_totals = {
        "payments": 4, "expenses": 3, "appliances": 2, "jobs": 3, "reviews": 2,
        "referrals": 1, "customerTechnicianRatings": 1, "followUps": 3,
        "maintenanceAlerts": 0, "callTasks": 0,
    }  # fmt: skip
    assert view["collections"] == {
        name: {"total": n, "returned": n, "truncated": False} for name, n in expected_totals.items()
    }
    for name in COLLECTIONS:
        assert len(view[name]) == expected_totals[name], name
        for item in view[name]:
            if "createdAt" in item:
                assert_timestamp(item["createdAt"])


async def test_payments_newest_first_with_method_and_decimal_amounts(client, office, world):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    p = world.payments
    assert ids(view["payments"]) == ids(
        [p["last_job"], p["no_job"], p["first_job_eur"], p["first_job"]]
    )
    shown = {
        x["id"]: (x["amount"], x["currency"], x["paymentMethod"], x["jobId"])
        for x in view["payments"]
    }
    job = {name: j["id"] for name, j in world.jobs.items()}
    assert shown == {
        p["last_job"]["id"]: ("0.05", "USD", "TRANSFER", job["last"]),
        p["no_job"]["id"]: ("25.50", "USD", "CASH", None),
        p["first_job_eur"]["id"]: ("10.00", "EUR", "CARD", job["first"]),
        p["first_job"]["id"]: ("100.00", "USD", "CARD", job["first"]),
    }  # fmt: skip
    for item in view["payments"]:
        assert_timestamp(item["paidAt"])
    assert datetime.fromisoformat(view["payments"][0]["paidAt"]) == at(6)


async def test_expenses_direct_and_job_related_once_each_newest_first(client, office, world):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    e = world.expenses
    assert ids(view["expenses"]) == ids([e["both"], e["job_only"], e["direct"]])
    amounts = {x["id"]: x["amount"] for x in view["expenses"]}
    assert amounts == {
        e["both"]["id"]: "42.00",
        e["job_only"]["id"]: "30.25",
        e["direct"]["id"]: "7.00",
    }
    assert {x["category"] for x in view["expenses"]} == {"parts"}


async def test_jobs_carry_technician_reviews_and_expenses(client, office, world):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    jobs = {j["id"]: j for j in view["jobs"]}
    first, unassigned, last = (jobs[world.jobs[n]["id"]] for n in ("first", "unassigned", "last"))
    assert ids(view["jobs"]) == [last["id"], unassigned["id"], first["id"]]  # by scheduledFor
    assert first["technician"] == {"id": world.grace["id"], "name": "Grace"}
    assert last["technician"] == {"id": world.linus["id"], "name": "Linus"}
    assert unassigned["technician"] is None and unassigned["technicianId"] is None
    assert first["status"] == last["status"] == "COMPLETED"
    assert_timestamp(first["completionDate"])
    assert ids(first["expenses"]) == [world.expenses["job_only"]["id"]]
    assert ids(last["expenses"]) == [world.expenses["both"]["id"]]
    assert first["expenses"][0]["amount"] == "30.25"
    assert unassigned["expenses"] == [] and unassigned["reviews"] == []
    assert [(r["id"], r["rating"], r["comment"]) for r in first["reviews"]] == [
        (world.reviews[0], 5, "spotless")
    ]
    assert [(r["id"], r["technicianId"], r["technician"]) for r in last["reviews"]] == [
        (world.reviews[1], world.linus["id"], {"id": world.linus["id"], "name": "Linus"})
    ]


async def test_reviews_appliances_ratings_follow_ups_newest_first(client, office, world):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    assert ids(view["reviews"]) == world.reviews[::-1]
    assert [r["jobId"] for r in view["reviews"]] == [
        world.jobs["last"]["id"],
        world.jobs["first"]["id"],
    ]
    appliances = view["appliances"]
    assert ids(appliances) == world.appliances[1::-1]  # the other customer's oven is not here
    assert [a["type"] for a in appliances] == ["washer", "fridge"]
    assert appliances[1]["installedOn"] == "2029-05-01" and appliances[1]["brand"] == "Frigidaire"
    assert appliances[0]["lastServiceDate"] is None
    [rating] = view["customerTechnicianRatings"]
    grace, linus = (
        {"id": world.grace["id"], "name": "Grace"},
        {"id": world.linus["id"], "name": "Linus"},
    )
    assert rating == {
        "id": world.ratings[0], "technicianId": world.grace["id"], "technician": grace,
        "jobId": world.jobs["first"]["id"], "rating": 4, "createdAt": rating["createdAt"],
    }  # fmt: skip
    assert [r["technician"] for r in view["reviews"]] == [linus, grace]
    assert ids(view["followUps"]) == world.follow_ups[::-1]
    newest, _, oldest = view["followUps"]
    assert (newest["status"], oldest["status"]) == ("SCHEDULED", "PENDING")
    assert datetime.fromisoformat(newest["followUpDate"]) == at(20)
    assert oldest["followUpDate"] is None and oldest["satisfactionRating"] is None


async def test_follow_ups_name_their_jobs_technician_and_carry_the_suggestion(
    client, office, world
):
    view = await get_ok(client, f"/customers/{world.customer['id']}", office)
    shown = [(f["jobId"], f["technician"], f["suggestion"]) for f in view["followUps"]]
    job = {name: j["id"] for name, j in world.jobs.items()}
    assert shown == [
        (job["last"], {"id": world.linus["id"], "name": "Linus"}, None),
        (job["unassigned"], None, None),
        (job["first"], {"id": world.grace["id"], "name": "Grace"}, SUGGESTION),
    ]
    assert "technicianId" not in view["followUps"][0]  # a follow-up has no technician of its own


async def test_financials_of_customer_and_jobs(client, office, world):
    cid = world.customer["id"]
    financials = await get_ok(client, f"/customers/{cid}/financials", office)
    view = await get_ok(client, f"/customers/{cid}", office)
    assert view["financialSummary"] == financials
    assert_camel_everywhere(financials)
    # USD: 100 + 25.50 + 0.05 paid; 7 + 30.25 + 42 spent (the "both" expense once).
    assert (financials["customerId"], financials["currency"]) == (cid, "USD")
    assert (financials["revenue"], financials["expenses"], financials["net"]) == (
        "125.55", "79.25", "46.30",
    )  # fmt: skip
    assert financials["otherCurrencies"] == [EUR_TEN]
    methods = {
        (m["paymentMethod"], m["currency"]): (m["amount"], m["count"])
        for m in financials["byPaymentMethod"]
    }
    assert methods == {
        ("CARD", "USD"): ("100.00", 1), ("CARD", "EUR"): ("10.00", 1),
        ("CASH", "USD"): ("25.50", 1), ("TRANSFER", "USD"): ("0.05", 1),
    }  # fmt: skip
    first, last = world.jobs["first"]["id"], world.jobs["last"]["id"]
    by_job = {
        (j["jobId"], j["currency"]): (j["revenue"], j["expenses"], j["net"])
        for j in financials["byJob"]
    }
    assert by_job == {
        (first, "USD"): ("100.00", "30.25", "69.75"),
        (first, "EUR"): ("10.00", "0.00", "10.00"),
        (last, "USD"): ("0.05", "42.00", "-41.95"),
    }  # fmt: skip

    job = await get_ok(client, f"/jobs/{first}/financials", office)
    assert job == {
        "jobId": first, "customerId": cid, "currency": "USD", "revenue": "100.00",
        "expenses": "30.25", "net": "69.75",
        "otherCurrencies": [EUR_TEN],
    }  # fmt: skip
    job = await get_ok(client, f"/jobs/{last}/financials", office)
    assert (job["revenue"], job["expenses"], job["net"]) == ("0.05", "42.00", "-41.95")
    empty = await get_ok(client, f"/jobs/{world.jobs['unassigned']['id']}/financials", office)
    assert (empty["currency"], empty["net"], empty["otherCurrencies"]) == ("USD", "0.00", [])
    other = await get_ok(client, f"/jobs/{world.jobs['other']['id']}/financials", office)
    assert (other["revenue"], other["expenses"]) == ("0.00", "42.00")  # only its own expense


@pytest.mark.parametrize(
    "path", ["/customers/999999", "/customers/999999/financials", "/jobs/999999/financials"]
)
async def test_unknown_ids_are_404_problems(client, office, path):
    problem = assert_problem(await client.get(path, headers=office), 404)
    assert "999999" in problem["detail"]
