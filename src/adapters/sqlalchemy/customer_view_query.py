"""The Customer View read model: one SELECT whose columns are JSON arrays, decoded by msgspec.

Whatever the number of jobs, payments or expenses, the whole view is one statement: each
collection is a capped, newest-first scalar subquery aggregated to JSON in the database,
plus its total count; sums are computed in SQL. No ORM objects are built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.financial_sums import customer_expense_filter, money_text
from adapters.sqlalchemy.financials_query import (
    customer_financial_columns,
    customer_financials_from,
)
from adapters.sqlalchemy.json_sql import JsonSql
from application.read_models.customer_view import (
    ApplianceItem,
    CollectionInfo,
    CustomerView,
    ExpenseItem,
    FollowUpItem,
    JobItem,
    PaymentItem,
    Ref,
    ReviewItem,
    TechnicianRatingItem,
)

Fields = Callable[[Any], dict[str, Any]]
CUSTOMER = bindparam("customer_id", type_=t.customers.c.id.type)
CAP = bindparam("cap", type_=t.customers.c.id.type)


class _Row(msgspec.Struct, rename="camel", kw_only=True):
    pass


class PaymentRow(_Row):
    id: int
    job_id: int | None
    amount_minor: int
    currency: str
    payment_method: str
    reference: str | None
    paid_at: datetime
    created_at: datetime

    def item(self) -> PaymentItem:
        return PaymentItem(
            id=self.id,
            job_id=self.job_id,
            amount=money_text(self.amount_minor, self.currency),
            currency=self.currency,
            payment_method=self.payment_method,
            reference=self.reference,
            paid_at=self.paid_at,
            created_at=self.created_at,
        )


class ExpenseRow(_Row):
    id: int
    customer_id: int | None
    job_id: int | None
    amount_minor: int
    currency: str
    category: str
    description: str | None
    incurred_at: datetime
    created_at: datetime

    def item(self) -> ExpenseItem:
        return ExpenseItem(
            id=self.id,
            customer_id=self.customer_id,
            job_id=self.job_id,
            amount=money_text(self.amount_minor, self.currency),
            currency=self.currency,
            category=self.category,
            description=self.description,
            incurred_at=self.incurred_at,
            created_at=self.created_at,
        )


class JobRow(_Row):
    id: int
    technician_id: int | None
    technician_name: str | None
    description: str
    appliance: str | None
    appliance_id: int | None
    notes: str | None
    scheduled_for: datetime
    status: str
    started_at: datetime | None
    completion_date: datetime | None
    cancelled_at: datetime | None
    created_at: datetime


PAYMENTS = msgspec.json.Decoder(list[PaymentRow])
EXPENSES = msgspec.json.Decoder(list[ExpenseRow])
JOBS = msgspec.json.Decoder(list[JobRow])
REVIEWS = msgspec.json.Decoder(list[ReviewItem])
APPLIANCES = msgspec.json.Decoder(list[ApplianceItem])
RATINGS = msgspec.json.Decoder(list[TechnicianRatingItem])
FOLLOW_UPS = msgspec.json.Decoder(list[FollowUpItem])
REFS = msgspec.json.Decoder(list[Ref])
CONTACT_TIMES = msgspec.json.Decoder(dict[str, list[str]] | None)


def _newest(*columns: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    return [c.desc() for c in columns]


def _count(query: Select[Any]) -> Any:
    return select(func.count()).select_from(query.subquery()).scalar_subquery()


class SqlCustomerViewQuery:
    """Builds the view with exactly one SELECT (prepared once per engine)."""

    def __init__(self, engine: AsyncEngine, default_currency: str = "USD") -> None:
        self._engine = engine
        self._default_currency = default_currency
        self._query = self._build(JsonSql(engine.dialect.name))

    def _build(self, js: JsonSql) -> Select[Any]:
        c, j, p, e = t.customers, t.jobs, t.payments, t.expenses
        a, r, tr, f = t.appliances, t.reviews, t.customer_technician_ratings, t.service_follow_ups
        ts = js.ts

        def collection(
            name: str, base: Select[Any], order: list[Any], fields: Fields
        ) -> dict[str, Any]:
            capped = base.order_by(*order).limit(CAP).subquery(name)
            return {
                name: js.array_of(js.obj(**fields(capped.c)), capped),
                f"{name}_total": _count(base),
            }

        payment_fields: Fields = lambda x: {  # noqa: E731
            "id": x.id,
            "jobId": x.job_id,
            "amountMinor": x.amount_minor,
            "currency": x.currency,
            "paymentMethod": x.payment_method,
            "reference": x.reference,
            "paidAt": ts(x.paid_at),
            "createdAt": ts(x.created_at),
        }
        expense_fields: Fields = lambda x: {  # noqa: E731
            "id": x.id,
            "customerId": x.customer_id,
            "jobId": x.job_id,
            "amountMinor": x.amount_minor,
            "currency": x.currency,
            "category": x.category,
            "description": x.description,
            "incurredAt": ts(x.incurred_at),
            "createdAt": ts(x.created_at),
        }
        review_fields: Fields = lambda x: {  # noqa: E731
            "id": x.id,
            "jobId": x.job_id,
            "technicianId": x.technician_id,
            "rating": x.rating,
            "comment": x.comment,
            "createdAt": ts(x.created_at),
        }
        technician = t.technicians
        jobs_base = (
            select(
                j.c.id,
                j.c.technician_id,
                technician.c.name.label("technician_name"),
                j.c.description,
                j.c.appliance,
                j.c.appliance_id,
                j.c.notes,
                j.c.scheduled_for,
                j.c.status,
                j.c.started_at,
                j.c.completion_date,
                j.c.cancelled_at,
                j.c.created_at,
            )
            .outerjoin(technician, technician.c.id == j.c.technician_id)
            .where(j.c.customer_id == CUSTOMER)
        )
        shown_jobs = (
            select(j.c.id)
            .where(j.c.customer_id == CUSTOMER)
            .order_by(*_newest(j.c.scheduled_for, j.c.id))
            .limit(CAP)
        )
        job_expenses = select(e).where(e.c.job_id.in_(shown_jobs)).subquery("job_expenses")
        job_reviews = select(r).where(r.c.job_id.in_(shown_jobs)).subquery("job_reviews")
        referrer, preferred = c.alias("referrer"), technician.alias("preferred")

        columns: dict[str, Any] = {}
        columns |= collection(
            "jobs",
            jobs_base,
            _newest(j.c.scheduled_for, j.c.id),
            lambda x: {
                "id": x.id,
                "technicianId": x.technician_id,
                "technicianName": x.technician_name,
                "description": x.description,
                "appliance": x.appliance,
                "applianceId": x.appliance_id,
                "notes": x.notes,
                "scheduledFor": ts(x.scheduled_for),
                "status": x.status,
                "startedAt": ts(x.started_at),
                "completionDate": ts(x.completion_date),
                "cancelledAt": ts(x.cancelled_at),
                "createdAt": ts(x.created_at),
            },
        )
        columns |= collection(
            "payments",
            select(p).where(p.c.customer_id == CUSTOMER),
            _newest(p.c.paid_at, p.c.id),
            payment_fields,
        )
        columns |= collection(
            "expenses",
            select(e).where(customer_expense_filter(CUSTOMER)),
            _newest(e.c.incurred_at, e.c.id),
            expense_fields,
        )
        columns |= collection(
            "appliances",
            select(a).where(a.c.customer_id == CUSTOMER),
            _newest(a.c.created_at, a.c.id),
            lambda x: {
                "id": x.id,
                "type": x.type,
                "brand": x.brand,
                "modelNumber": x.model_number,
                "serialNumber": x.serial_number,
                "installedOn": x.installed_on,
                "lastServiceDate": ts(x.last_service_date),
                "jobId": x.job_id,
                "createdAt": ts(x.created_at),
                "updatedAt": ts(x.updated_at),
            },
        )
        columns |= collection(
            "reviews",
            select(r).where(r.c.customer_id == CUSTOMER),
            _newest(r.c.created_at, r.c.id),
            review_fields,
        )
        columns |= collection(
            "referrals",
            select(c.c.id, c.c.name).where(c.c.referred_by_id == CUSTOMER),
            _newest(c.c.id),
            lambda x: {"id": x.id, "name": x.name},
        )
        columns |= collection(
            "ratings",
            select(tr).where(tr.c.customer_id == CUSTOMER),
            _newest(tr.c.created_at, tr.c.id),
            lambda x: {
                "id": x.id,
                "technicianId": x.technician_id,
                "jobId": x.job_id,
                "rating": x.rating,
                "createdAt": ts(x.created_at),
            },
        )
        columns |= collection(
            "follow_ups",
            select(f).where(f.c.customer_id == CUSTOMER),
            _newest(f.c.created_at, f.c.id),
            lambda x: {
                "id": x.id,
                "jobId": x.job_id,
                "status": x.status,
                "satisfactionRating": x.satisfaction_rating,
                "feedback": x.feedback,
                "followUpDate": ts(x.follow_up_date),
                "createdAt": ts(x.created_at),
            },
        )
        columns["job_expenses"] = js.array_of(
            js.obj(**expense_fields(job_expenses.c)), job_expenses
        )
        columns["job_reviews"] = js.array_of(js.obj(**review_fields(job_reviews.c)), job_reviews)
        columns |= customer_financial_columns(js, CUSTOMER)

        return (
            select(
                c,
                referrer.c.name.label("referrer_name"),
                preferred.c.name.label("preferred_technician_name"),
                *(column.label(name) for name, column in columns.items()),
            )
            .outerjoin(referrer, referrer.c.id == c.c.referred_by_id)
            .outerjoin(preferred, preferred.c.id == c.c.preferred_technician_id)
            .where(c.c.id == CUSTOMER)
        )

    async def customer_view(self, customer_id: int, cap: int) -> CustomerView | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(self._query, {"customer_id": customer_id, "cap": cap})
            ).first()
        if row is None:
            return None
        return self._assemble(row, customer_id, cap)

    def _assemble(self, row: Any, customer_id: int, cap: int) -> CustomerView:
        def info(name: str, returned: int) -> CollectionInfo:
            total = getattr(row, f"{name}_total")
            return CollectionInfo(total=total, returned=returned, truncated=total > returned)

        payments = [x.item() for x in PAYMENTS.decode(row.payments)]
        expenses = [x.item() for x in EXPENSES.decode(row.expenses)]
        payments.sort(key=lambda x: (x.paid_at, x.id), reverse=True)
        expenses.sort(key=lambda x: (x.incurred_at, x.id), reverse=True)
        expenses_by_job: dict[int, list[ExpenseItem]] = defaultdict(list)
        for expense_row in sorted(
            EXPENSES.decode(row.job_expenses), key=lambda x: (x.incurred_at, x.id), reverse=True
        ):
            expenses_by_job[expense_row.job_id or 0].append(expense_row.item())
        reviews_by_job: dict[int, list[ReviewItem]] = defaultdict(list)
        for review in REVIEWS.decode(row.job_reviews):
            reviews_by_job[review.job_id].append(review)
        jobs = [
            JobItem(
                id=x.id,
                technician_id=x.technician_id,
                technician=Ref(id=x.technician_id, name=x.technician_name)
                if x.technician_id is not None and x.technician_name is not None
                else None,
                description=x.description,
                appliance=x.appliance,
                appliance_id=x.appliance_id,
                notes=x.notes,
                scheduled_for=x.scheduled_for,
                status=x.status,
                started_at=x.started_at,
                completion_date=x.completion_date,
                cancelled_at=x.cancelled_at,
                created_at=x.created_at,
                reviews=reviews_by_job.get(x.id, []),
                expenses=expenses_by_job.get(x.id, []),
            )
            for x in sorted(
                JOBS.decode(row.jobs), key=lambda x: (x.scheduled_for, x.id), reverse=True
            )
        ]
        appliances = sorted(
            APPLIANCES.decode(row.appliances), key=lambda x: (x.created_at, x.id), reverse=True
        )
        reviews = sorted(
            REVIEWS.decode(row.reviews), key=lambda x: (x.created_at, x.id), reverse=True
        )
        referrals = sorted(REFS.decode(row.referrals), key=lambda x: x.id, reverse=True)
        ratings = sorted(
            RATINGS.decode(row.ratings), key=lambda x: (x.created_at, x.id), reverse=True
        )
        follow_ups = sorted(
            FOLLOW_UPS.decode(row.follow_ups), key=lambda x: (x.created_at, x.id), reverse=True
        )
        contact_times = row.preferred_contact_times
        if isinstance(contact_times, str):
            contact_times = CONTACT_TIMES.decode(contact_times)
        return CustomerView(
            id=row.id,
            name=row.name,
            phone=row.phone,
            email=row.email,
            address=row.address,
            time_zone=row.time_zone,
            notes=row.notes,
            created_at=row.created_at,
            referral_code=row.referral_code,
            preferred_contact_method=row.preferred_contact_method,
            preferred_contact_times=contact_times,
            communication_frequency_preference=row.communication_frequency_preference,
            language_preference=row.language_preference,
            marketing_consent=bool(row.marketing_consent),
            referred_by=Ref(id=row.referred_by_id, name=row.referrer_name)
            if row.referred_by_id is not None
            else None,
            preferred_technician=Ref(
                id=row.preferred_technician_id, name=row.preferred_technician_name
            )
            if row.preferred_technician_id is not None
            else None,
            payments=payments,
            expenses=expenses,
            appliances=appliances,
            jobs=jobs,
            reviews=reviews,
            referrals=referrals,
            customer_technician_ratings=ratings,
            follow_ups=follow_ups,
            collections={
                "payments": info("payments", len(payments)),
                "expenses": info("expenses", len(expenses)),
                "appliances": info("appliances", len(appliances)),
                "jobs": info("jobs", len(jobs)),
                "reviews": info("reviews", len(reviews)),
                "referrals": info("referrals", len(referrals)),
                "customerTechnicianRatings": info("ratings", len(ratings)),
                "followUps": info("follow_ups", len(follow_ups)),
            },
            financial_summary=customer_financials_from(row, customer_id, self._default_currency),
        )
