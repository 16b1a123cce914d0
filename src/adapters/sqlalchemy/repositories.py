"""The repositories of each aggregate: table plus row mapping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.money_columns import from_minor, to_minor
from adapters.sqlalchemy.table_repository import TableRepository
from domain.customer import Customer, CustomerDetails
from domain.expense import Expense, ExpenseDetails
from domain.job import Job, JobDetails, JobStatus
from domain.payment import Payment, PaymentDetails, PaymentMethod
from domain.technician import Technician, TechnicianDetails
from domain.user import Role, User


class CustomerRepository(TableRepository[Customer]):
    table = t.customers
    entity = "customer"

    @staticmethod
    def to_row(c: Customer) -> dict[str, Any]:
        d = c.details
        return {
            "name": d.name,
            "phone": d.phone,
            "email": d.email,
            "address": d.address,
            "time_zone": d.time_zone,
            "notes": d.notes,
            "created_at": c.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Customer:
        details = CustomerDetails(r.name, r.phone, r.email, r.address, r.time_zone, r.notes)
        return Customer(details=details, created_at=r.created_at, id=r.id)


class TechnicianRepository(TableRepository[Technician]):
    table = t.technicians
    entity = "technician"
    filterable = {"active": "active"}

    @staticmethod
    def to_row(x: Technician) -> dict[str, Any]:
        d = x.details
        return {
            "name": d.name,
            "phone": d.phone,
            "email": d.email,
            "skills": list(d.skills),
            "active": d.active,
            "created_at": x.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Technician:
        details = TechnicianDetails(r.name, r.phone, r.email, tuple(r.skills), r.active)
        return Technician(details=details, created_at=r.created_at, id=r.id)


class JobRepository(TableRepository[Job]):
    table = t.jobs
    entity = "job"
    filterable = {
        "customer_id": "customer_id",
        "technician_id": "technician_id",
        "status": "status",
    }

    @staticmethod
    def to_row(j: Job) -> dict[str, Any]:
        d = j.details
        return {
            "customer_id": d.customer_id,
            "technician_id": d.technician_id,
            "description": d.description,
            "appliance": d.appliance,
            "notes": d.notes,
            "scheduled_for": d.scheduled_for,
            "status": j.status.value,
            "started_at": j.started_at,
            "completion_date": j.completion_date,
            "cancelled_at": j.cancelled_at,
            "created_at": j.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Job:
        details = JobDetails(
            r.customer_id, r.description, r.scheduled_for, r.technician_id, r.appliance, r.notes
        )
        return Job(
            details=details,
            created_at=r.created_at,
            status=JobStatus(r.status),
            started_at=r.started_at,
            completion_date=r.completion_date,
            cancelled_at=r.cancelled_at,
            id=r.id,
        )


class PaymentRepository(TableRepository[Payment]):
    table = t.payments
    entity = "payment"
    filterable = {"customer_id": "customer_id", "job_id": "job_id"}

    @staticmethod
    def to_row(p: Payment) -> dict[str, Any]:
        d = p.details
        return {
            "customer_id": d.customer_id,
            "job_id": d.job_id,
            "amount_minor": to_minor(d.amount),
            "currency": d.amount.currency,
            "payment_method": d.payment_method.value,
            "reference": d.reference,
            "paid_at": d.paid_at,
            "created_at": p.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Payment:
        details = PaymentDetails(
            customer_id=r.customer_id,
            amount=from_minor(r.amount_minor, r.currency),
            paid_at=r.paid_at,
            payment_method=PaymentMethod(r.payment_method),
            job_id=r.job_id,
            reference=r.reference,
        )
        return Payment(details=details, created_at=r.created_at, id=r.id)


class ExpenseRepository(TableRepository[Expense]):
    table = t.expenses
    entity = "expense"
    filterable = {"customer_id": "customer_id", "job_id": "job_id"}

    @staticmethod
    def to_row(e: Expense) -> dict[str, Any]:
        d = e.details
        return {
            "customer_id": d.customer_id,
            "job_id": d.job_id,
            "amount_minor": to_minor(d.amount),
            "currency": d.amount.currency,
            "category": d.category,
            "description": d.description,
            "incurred_at": d.incurred_at,
            "created_at": e.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Expense:
        details = ExpenseDetails(
            amount=from_minor(r.amount_minor, r.currency),
            category=r.category,
            incurred_at=r.incurred_at,
            description=r.description,
            customer_id=r.customer_id,
            job_id=r.job_id,
        )
        return Expense(details=details, created_at=r.created_at, id=r.id)


class UserRepository(TableRepository[User]):
    table = t.users
    entity = "user"
    filterable = {"role": "role", "active": "active"}

    @staticmethod
    def to_row(u: User) -> dict[str, Any]:
        return {
            "username": u.username,
            "password_hash": u.password_hash,
            "role": u.role.value,
            "active": u.active,
            "technician_id": u.technician_id,
            "created_at": u.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> User:
        return User(
            username=r.username,
            password_hash=r.password_hash,
            role=Role(r.role),
            created_at=r.created_at,
            active=r.active,
            technician_id=r.technician_id,
            id=r.id,
        )

    async def get_by_username(self, username: str) -> User | None:
        row = (
            await self._conn.execute(select(t.users).where(t.users.c.username == username))
        ).first()
        return None if row is None else self.from_row(row)

    async def count(self) -> int:
        return (await self._conn.execute(select(func.count()).select_from(t.users))).scalar_one()
