"""A small shop seeded through the live API, plus the daily passes that write a PENDING
follow-up with a suggestion and a maintenance alert (offline LLM, real use cases)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from application.engagement import daily_follow_up_suggestions, refresh_maintenance_alerts
from entrypoints.container import bootstrap
from entrypoints.settings import Settings
from tests.browser.live_fieldcrm import JWT_SECRET, LiveServer
from tests.http.helpers import (
    create_appliance,
    create_completed_job,
    create_customer,
    create_expense,
    create_payment,
    create_review,
    create_technician,
    created,
)

CUSTOMER = "Ann Example"
OFFICE = "office-ann"
MESSAGE = "Your technician is on the way."


@dataclass(frozen=True)
class Shop:
    customer_id: int
    job_id: int
    follow_up_id: int
    # Texts each section of the page must show (data-testid → texts).
    expected: dict[str, list[str]]


async def seed(server: LiveServer, office_password: str) -> Shop:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        login = {"username": server.admin, "password": server.password}
        token = (await client.post("/auth/login", json=login)).json()["accessToken"]
        admin = {"Authorization": f"Bearer {token}"}
        office = {"username": OFFICE, "password": office_password, "role": "office"}
        await created(client, "/users", office, admin)
        referrer = await create_customer(client, admin, name="Bob Referrer", phone="+14155550100")
        ann = await create_customer(
            client,
            admin,
            name=CUSTOMER,
            email="ann@example.com",
            address="1 Main St",
            referralCode=referrer["referralCode"],
        )
        await create_customer(
            client, admin, name="Cleo Referred", phone=None, referralCode=ann["referralCode"]
        )
        technician = await create_technician(client, admin, name="Grace Hopper")
        job = await create_completed_job(client, admin, ann["id"], technicianId=technician["id"])
        await create_payment(client, admin, ann["id"], jobId=job["id"])
        await create_expense(client, admin, customerId=ann["id"], jobId=job["id"])
        await create_review(client, admin, job, comment="Quick and tidy")
        await create_appliance(
            client,
            admin,
            ann["id"],
            installedOn="2015-03-01",
            lastServiceDate="2020-01-10T09:00:00Z",
        )
        message = {"customerId": ann["id"], "body": MESSAGE, "purpose": "TRANSACTIONAL"}
        await created(client, "/messages", message, admin)
    await _daily_passes(server)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        view = (await client.get(f"/customers/{ann['id']}", headers=admin)).json()
    suggested = [f for f in view["followUps"] if f["status"] == "PENDING" and f["suggestion"]]
    assert suggested, f"the suggestion pass stored no suggestion: {view['followUps']}"
    assert view["maintenanceAlerts"], "the maintenance pass raised no alert"
    return Shop(
        customer_id=ann["id"],
        job_id=job["id"],
        follow_up_id=suggested[0]["id"],
        expected={
            "profile": [CUSTOMER, "+14155550123", "ann@example.com", "Bob Referrer"],
            "financials": ["Revenue 125.50", "expenses 42.00", "net 83.50"],
            "jobs": ["Fridge not cooling", "Grace Hopper", "Review 5/5", "Expense 42.00 USD"],
            "payments": ["125.50 USD · CARD"],
            "appliances": ["refrigerator Frigidaire", view["maintenanceAlerts"][0]["reason"]],
            "follow-ups": ["PENDING", suggested[0]["suggestion"]],
            "messages": [MESSAGE],
            "referrals": ["Cleo Referred"],
        },
    )


async def _daily_passes(server: LiveServer) -> None:
    """Run the suggestion and maintenance passes on the server's database, as the
    scheduler would (the offline LLM answers from the customer's own records)."""
    settings = Settings(database_url=server.database_url, jwt_secret=JWT_SECRET)
    container = bootstrap(settings)
    try:
        await daily_follow_up_suggestions(container.engagement_context())
        await refresh_maintenance_alerts(container.engagement_context())
    finally:
        await container.engine().dispose()
