"""Valid inputs for the use cases, overridable field by field, and store set-up helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from application import appliances, customers, jobs, technicians
from application.access import SYSTEM
from domain.appliance import ApplianceDetails
from domain.customer import CustomerDetails
from domain.expense import ExpenseDetails
from domain.job import JobDetails
from domain.money import Money
from domain.payment import PaymentDetails, PaymentMethod
from domain.technician import TechnicianDetails
from tests.fakes import FakeClock, FakeDatabase

WHEN = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.of(Decimal(amount), "USD")


def customer_details(**changes: Any) -> CustomerDetails:
    fields: dict[str, Any] = {
        "name": "Ada Lovelace",
        "phone": "+14155550123",
        "email": "ada@example.com",
        "address": "1 Analytical Way",
        "time_zone": "America/Los_Angeles",
    }
    return CustomerDetails(**(fields | changes))


def technician_details(**changes: Any) -> TechnicianDetails:
    fields: dict[str, Any] = {"name": "Tom Tech", "phone": "+14155550199", "skills": ("hvac",)}
    return TechnicianDetails(**(fields | changes))


def job_details(customer_id: int, **changes: Any) -> JobDetails:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "description": "Fridge not cooling",
        "scheduled_for": WHEN,
        "appliance": "Refrigerator",
    }
    return JobDetails(**(fields | changes))


def appliance_details(customer_id: int, **changes: Any) -> ApplianceDetails:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "type": "refrigerator",
        "brand": "Frigidaire",
        "model_number": "FFTR1835VW",
        "serial_number": "SN-0042",
    }
    return ApplianceDetails(**(fields | changes))


def payment_details(customer_id: int, **changes: Any) -> PaymentDetails:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "amount": usd("125.50"),
        "paid_at": WHEN,
        "payment_method": PaymentMethod.CARD,
    }
    return PaymentDetails(**(fields | changes))


def expense_details(**changes: Any) -> ExpenseDetails:
    fields: dict[str, Any] = {"amount": usd("40.00"), "category": "parts", "incurred_at": WHEN}
    return ExpenseDetails(**(fields | changes))


async def a_customer(db: FakeDatabase, clock: FakeClock, **changes: Any) -> int:
    """Store a customer and return its id."""
    customer = await customers.create_customer(SYSTEM, db.uow(), clock, customer_details(**changes))
    assert customer.id is not None
    return customer.id


async def a_technician(db: FakeDatabase, clock: FakeClock, **changes: Any) -> int:
    """Store a technician and return its id."""
    tech = await technicians.create_technician(
        SYSTEM, db.uow(), clock, technician_details(**changes)
    )
    assert tech.id is not None
    return tech.id


async def a_job(db: FakeDatabase, clock: FakeClock, customer_id: int, **changes: Any) -> int:
    """Store a job for the customer and return its id."""
    job = await jobs.create_job(SYSTEM, db.uow(), clock, job_details(customer_id, **changes))
    assert job.id is not None
    return job.id


async def an_appliance(db: FakeDatabase, clock: FakeClock, customer_id: int, **changes: Any) -> int:
    """Store an appliance of the customer and return its id."""
    appliance = await appliances.create_appliance(
        SYSTEM, db.uow(), clock, appliance_details(customer_id, **changes)
    )
    assert appliance.id is not None
    return appliance.id


async def a_completed_job(
    db: FakeDatabase, clock: FakeClock, customer_id: int, **changes: Any
) -> int:
    """Store a job for the customer, start it and complete it (at the clock's time)."""
    job_id = await a_job(db, clock, customer_id, **changes)
    await jobs.start_job(SYSTEM, db.uow(), clock, job_id)
    await jobs.complete_job(SYSTEM, db.uow(), clock, job_id)
    return job_id
