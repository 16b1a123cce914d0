"""The repositories of each aggregate: table plus row mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.money_columns import from_minor, to_minor
from adapters.sqlalchemy.table_repository import TableRepository
from domain.appliance import Appliance, ApplianceDetails
from domain.contact_preferences import ContactMethod, ContactPreferences, ContactTimes, Frequency
from domain.customer import Customer, CustomerDetails
from domain.expense import Expense, ExpenseDetails
from domain.follow_up import FollowUp, FollowUpStatus
from domain.job import Job, JobDetails, JobStatus
from domain.maintenance_alert import AlertStatus, MaintenanceAlert
from domain.payment import Payment, PaymentDetails, PaymentMethod
from domain.review import Review, TechnicianRating
from domain.technician import Technician, TechnicianDetails
from domain.user import Role, User

MAX_REFERRAL_DEPTH = 10_000  # bounds the walk even if the data were ever corrupted into a loop


class CustomerRepository(TableRepository[Customer]):
    table = t.customers
    entity = "customer"
    filterable = {"referred_by_id": "referred_by_id"}

    @staticmethod
    def to_row(c: Customer) -> dict[str, Any]:
        d, p = c.details, c.preferences
        return {
            "name": d.name,
            "phone": d.phone,
            "email": d.email,
            "address": d.address,
            "time_zone": d.time_zone,
            "notes": d.notes,
            "created_at": c.created_at,
            "referral_code": c.referral_code,
            "referred_by_id": c.referred_by_id,
            "preferred_technician_id": c.preferred_technician_id,
            "preferred_contact_method": p.method.value if p.method else None,
            "preferred_contact_times": p.times.to_document() if p.times else None,
            "communication_frequency_preference": p.frequency.value if p.frequency else None,
            "language_preference": p.language,
            "marketing_consent": c.marketing_consent,
        }

    @staticmethod
    def from_row(r: Any) -> Customer:
        details = CustomerDetails(r.name, r.phone, r.email, r.address, r.time_zone, r.notes)
        preferences = ContactPreferences(
            method=ContactMethod(r.preferred_contact_method)
            if r.preferred_contact_method
            else None,
            times=ContactTimes.parse(r.preferred_contact_times)
            if r.preferred_contact_times is not None
            else None,
            frequency=Frequency(r.communication_frequency_preference)
            if r.communication_frequency_preference
            else None,
            language=r.language_preference,
        )
        return Customer(
            details=details,
            created_at=r.created_at,
            referral_code=r.referral_code,
            referred_by_id=r.referred_by_id,
            preferred_technician_id=r.preferred_technician_id,
            preferences=preferences,
            marketing_consent=r.marketing_consent,
            id=r.id,
        )

    async def get_by_referral_code(self, code: str) -> Customer | None:
        query = select(t.customers).where(t.customers.c.referral_code == code)
        row = (await self._conn.execute(query)).first()
        return None if row is None else self.from_row(row)

    async def referral_chain(self, customer_id: int) -> list[int]:
        c = t.customers
        chain = (
            select(c.c.referred_by_id.label("id"), literal(1).label("depth"))
            .where(c.c.id == customer_id, c.c.referred_by_id.is_not(None))
            .cte("chain", recursive=True)
        )
        parent = c.alias("parent")
        chain = chain.union_all(
            select(parent.c.referred_by_id, chain.c.depth + 1)
            .join(chain, parent.c.id == chain.c.id)
            .where(parent.c.referred_by_id.is_not(None), chain.c.depth < MAX_REFERRAL_DEPTH)
        )
        rows = await self._conn.execute(select(chain.c.id).order_by(chain.c.depth))
        return [row.id for row in rows]

    async def find_by_phone(self, phone: str) -> list[Customer]:
        c = t.customers
        rows = await self._conn.execute(select(c).where(c.c.phone == phone).order_by(c.c.id.desc()))
        return [self.from_row(row) for row in rows]


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
            "appliance_id": d.appliance_id,
        }

    @staticmethod
    def from_row(r: Any) -> Job:
        details = JobDetails(
            r.customer_id,
            r.description,
            r.scheduled_for,
            r.technician_id,
            r.appliance,
            r.notes,
            r.appliance_id,
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

    async def open_job_counts(
        self,
        technician_ids: Sequence[int],
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> dict[int, int]:
        if not technician_ids:
            return {}
        j = t.jobs
        conditions: list[ColumnElement[bool]] = [
            j.c.technician_id.in_(list(technician_ids)),
            j.c.status.in_([JobStatus.SCHEDULED.value, JobStatus.IN_PROGRESS.value]),
        ]
        if start is not None:
            conditions.append(j.c.scheduled_for >= start)
        if end is not None:
            conditions.append(j.c.scheduled_for < end)
        query = (
            select(j.c.technician_id, func.count().label("open_jobs"))
            .where(*conditions)
            .group_by(j.c.technician_id)
        )
        rows = await self._conn.execute(query)
        return {row.technician_id: row.open_jobs for row in rows}


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


class ApplianceRepository(TableRepository[Appliance]):
    table = t.appliances
    entity = "appliance"
    filterable = {"customer_id": "customer_id"}

    @staticmethod
    def to_row(a: Appliance) -> dict[str, Any]:
        d = a.details
        return {
            "customer_id": d.customer_id,
            "type": d.type,
            "brand": d.brand,
            "model_number": d.model_number,
            "serial_number": d.serial_number,
            "installed_on": d.installed_on,
            "last_service_date": a.last_service_date,
            "job_id": a.job_id,
            "created_at": a.created_at,
            "updated_at": a.updated_at,
        }

    @staticmethod
    def from_row(r: Any) -> Appliance:
        details = ApplianceDetails(
            r.customer_id, r.type, r.brand, r.model_number, r.serial_number, r.installed_on
        )
        return Appliance(
            details=details,
            created_at=r.created_at,
            updated_at=r.updated_at,
            last_service_date=r.last_service_date,
            job_id=r.job_id,
            id=r.id,
        )


class ReviewRepository(TableRepository[Review]):
    table = t.reviews
    entity = "review"
    filterable = {
        "job_id": "job_id",
        "customer_id": "customer_id",
        "technician_id": "technician_id",
    }

    @staticmethod
    def to_row(x: Review) -> dict[str, Any]:
        return {
            "job_id": x.job_id,
            "customer_id": x.customer_id,
            "technician_id": x.technician_id,
            "rating": x.rating,
            "comment": x.comment,
            "created_at": x.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> Review:
        return Review(
            r.job_id, r.customer_id, r.technician_id, r.rating, r.created_at, r.comment, r.id
        )


class TechnicianRatingRepository(TableRepository[TechnicianRating]):
    table = t.customer_technician_ratings
    entity = "technician rating"
    filterable = {
        "job_id": "job_id",
        "customer_id": "customer_id",
        "technician_id": "technician_id",
    }

    @staticmethod
    def to_row(x: TechnicianRating) -> dict[str, Any]:
        return {
            "customer_id": x.customer_id,
            "technician_id": x.technician_id,
            "job_id": x.job_id,
            "rating": x.rating,
            "created_at": x.created_at,
        }

    @staticmethod
    def from_row(r: Any) -> TechnicianRating:
        return TechnicianRating(
            r.customer_id, r.technician_id, r.job_id, r.rating, r.created_at, r.id
        )


class FollowUpRepository(TableRepository[FollowUp]):
    table = t.service_follow_ups
    entity = "follow-up"
    filterable = {"job_id": "job_id", "customer_id": "customer_id", "status": "status"}

    @staticmethod
    def to_row(f: FollowUp) -> dict[str, Any]:
        return {
            "job_id": f.job_id,
            "customer_id": f.customer_id,
            "status": f.status.value,
            "satisfaction_rating": f.satisfaction_rating,
            "feedback": f.feedback,
            "follow_up_date": f.follow_up_date,
            "created_at": f.created_at,
            "suggestion": f.suggestion,
            "suggestion_key": f.suggestion_key,
        }

    @staticmethod
    def from_row(r: Any) -> FollowUp:
        return FollowUp(
            job_id=r.job_id,
            customer_id=r.customer_id,
            created_at=r.created_at,
            status=FollowUpStatus(r.status),
            follow_up_date=r.follow_up_date,
            satisfaction_rating=r.satisfaction_rating,
            feedback=r.feedback,
            suggestion=r.suggestion,
            suggestion_key=r.suggestion_key,
            id=r.id,
        )


class MaintenanceAlertRepository(TableRepository[MaintenanceAlert]):
    table = t.maintenance_alerts
    entity = "maintenance alert"
    filterable = {"customer_id": "customer_id", "status": "status"}

    @staticmethod
    def to_row(a: MaintenanceAlert) -> dict[str, Any]:
        return {
            "appliance_id": a.appliance_id,
            "customer_id": a.customer_id,
            "due_date": a.due_date,
            "confidence": a.confidence,
            "reason": a.reason,
            "status": a.status.value,
            "created_at": a.created_at,
            "updated_at": a.updated_at,
        }

    @staticmethod
    def from_row(r: Any) -> MaintenanceAlert:
        return MaintenanceAlert(
            appliance_id=r.appliance_id,
            customer_id=r.customer_id,
            due_date=r.due_date,
            confidence=r.confidence,
            reason=r.reason,
            created_at=r.created_at,
            updated_at=r.updated_at,
            status=AlertStatus(r.status),
            id=r.id,
        )

    async def for_appliances(self, appliance_ids: Sequence[int]) -> dict[int, MaintenanceAlert]:
        if not appliance_ids:
            return {}
        a = t.maintenance_alerts
        rows = await self._conn.execute(select(a).where(a.c.appliance_id.in_(list(appliance_ids))))
        return {row.appliance_id: self.from_row(row) for row in rows}
