"""The repositories of the business aggregates: table, field map, filters, own queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.customer_search_sql import CustomerSearch
from adapters.sqlalchemy.table_repository import TableRepository, repository
from application.pagination import (
    DUE_BEFORE,
    NEWEST_FIRST,
    SCHEDULED_FROM,
    SCHEDULED_TO,
    SEARCH,
    SEARCH_TOTAL_CAP,
    ListQuery,
)
from domain import aggregate_fields as f
from domain.customer import Customer
from domain.job import Job, JobStatus
from domain.maintenance_alert import MaintenanceAlert
from domain.maintenance_history import ServiceRecord
from domain.time_window import ANY_TIME, TimeWindow
from domain.user import User

MAX_REFERRAL_DEPTH = 10_000  # bounds the walk even if the data were ever corrupted into a loop


class CustomerRepository(TableRepository[Customer]):
    table = t.customers
    fields = f.CUSTOMER_FIELDS
    entity = "customer"
    filterable = ("referred_by_id",)

    def _conditions(self, query: ListQuery) -> list[ColumnElement[bool]]:
        search, others = self._search(query)
        return others if search is None else [*others, search.condition()]

    def _search(self, query: ListQuery) -> tuple[CustomerSearch | None, list[ColumnElement[bool]]]:
        """The query's search (None without `q`) and its other conditions."""
        q = query.filters.get(SEARCH)
        if q is None:
            return None, super()._conditions(query)
        others = {name: value for name, value in query.filters.items() if name != SEARCH}
        rest = ListQuery(query.limit, query.offset, others, query.sort)
        return CustomerSearch(str(q), self._conn.dialect.name), super()._conditions(rest)

    def _total_cap(self, query: ListQuery) -> int | None:
        """A search counts up to `SEARCH_TOTAL_CAP` + 1 matches."""
        return SEARCH_TOTAL_CAP + 1 if SEARCH in query.filters else None

    def _page(
        self, query: ListQuery, conditions: Sequence[ColumnElement[bool]], total: int
    ) -> Select[Any]:
        """Best match first when searching (unless sorted otherwise), ranking only the
        candidates for the page (`CustomerSearch.candidates`), not every match."""
        search, others = self._search(query)
        if search is None or (query.sort and list(query.sort) != [NEWEST_FIRST]):
            return super()._page(query, conditions, total)
        few = total <= SEARCH_TOTAL_CAP
        candidates = search.candidates(others, query.offset + query.limit, few)
        c = self.table
        return (
            select(c)
            .join(candidates, candidates.c.id == c.c.id)
            .order_by(candidates.c.rank, *super()._order_for(query))
            .limit(query.limit)
            .offset(query.offset)
        )

    async def get_by_referral_code(self, code: str) -> Customer | None:
        return await self._newest(t.customers.c.referral_code == code)

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
        return await self._matching(t.customers.c.phone == phone)


class JobRepository(TableRepository[Job]):
    table = t.jobs
    fields = f.JOB_FIELDS
    entity = "job"
    filterable = ("customer_id", "technician_id", "status")

    def _conditions(self, query: ListQuery) -> list[ColumnElement[bool]]:
        """Also `scheduled_from` (inclusive) and `scheduled_to` (exclusive)."""
        window: dict[str, object] = {SCHEDULED_FROM: None, SCHEDULED_TO: None}
        others: dict[str, object] = {}
        for name, value in query.filters.items():
            if name in window:
                window[name] = value
            else:
                others[name] = value
        rest = ListQuery(query.limit, query.offset, others, query.sort)
        conditions = super()._conditions(rest)
        when = t.jobs.c.scheduled_for
        if window[SCHEDULED_FROM] is not None:
            conditions.append(when >= window[SCHEDULED_FROM])
        if window[SCHEDULED_TO] is not None:
            conditions.append(when < window[SCHEDULED_TO])
        return conditions

    async def open_job_counts(
        self, technician_ids: Sequence[int], window: TimeWindow = ANY_TIME
    ) -> dict[int, int]:
        if not technician_ids:
            return {}
        j = t.jobs
        conditions: list[ColumnElement[bool]] = [
            j.c.technician_id.in_(list(technician_ids)),
            j.c.status.in_([JobStatus.SCHEDULED.value, JobStatus.IN_PROGRESS.value]),
        ]
        if window.start is not None:
            conditions.append(j.c.scheduled_for >= window.start)
        if window.end is not None:
            conditions.append(j.c.scheduled_for < window.end)
        query = (
            select(j.c.technician_id, func.count().label("open_jobs"))
            .where(*conditions)
            .group_by(j.c.technician_id)
        )
        rows = await self._conn.execute(query)
        return {row.technician_id: row.open_jobs for row in rows}

    async def booked_between(
        self, technician_id: int, after: datetime, before: datetime, excluding_job_id: int
    ) -> list[int]:
        j = t.jobs
        query = (
            select(j.c.id)
            .where(
                j.c.technician_id == technician_id,
                j.c.status != JobStatus.CANCELLED.value,
                j.c.scheduled_for > after,
                j.c.scheduled_for < before,
                j.c.id != excluding_job_id,
            )
            .order_by(j.c.id)
        )
        return list((await self._conn.execute(query)).scalars())

    async def completed_appliance_services(self, limit: int) -> list[ServiceRecord]:
        j, a = t.jobs, t.appliances
        query = (
            select(j.c.appliance_id, a.c.type, a.c.brand, j.c.completion_date)
            .join(a, a.c.id == j.c.appliance_id)
            .where(j.c.status == JobStatus.COMPLETED.value, j.c.completion_date.is_not(None))
            .order_by(j.c.completion_date.desc(), j.c.id.desc())
            .limit(limit)
        )
        rows = await self._conn.execute(query)
        return [
            ServiceRecord(r.appliance_id, r.type, r.brand, r.completion_date.date()) for r in rows
        ]

    async def completed_job_texts(
        self, technician_ids: Sequence[int], per_technician: int
    ) -> dict[int, list[tuple[int, str]]]:
        if not technician_ids:
            return {}
        j = t.jobs
        newest = func.row_number().over(
            partition_by=j.c.technician_id,
            order_by=(j.c.completion_date.desc().nulls_last(), j.c.id.desc()),
        )
        ranked = (
            select(j.c.id, j.c.technician_id, j.c.description, j.c.appliance, newest.label("n"))
            .where(
                j.c.technician_id.in_(list(technician_ids)),
                j.c.status == JobStatus.COMPLETED.value,
            )
            .subquery()
        )
        query = (
            select(ranked.c.id, ranked.c.technician_id, ranked.c.description, ranked.c.appliance)
            .where(ranked.c.n <= per_technician)
            .order_by(ranked.c.technician_id, ranked.c.n)
        )
        texts: dict[int, list[tuple[int, str]]] = {}
        for r in await self._conn.execute(query):
            text = f"{r.appliance} {r.description}" if r.appliance else r.description
            texts.setdefault(r.technician_id, []).append((r.id, text))
        return texts


class UserRepository(TableRepository[User]):
    table = t.users
    fields = f.USER_FIELDS
    entity = "user"
    filterable = ("role", "active")

    async def get_by_username(self, username: str) -> User | None:
        return await self._newest(t.users.c.username == username)

    async def count(self) -> int:
        return (await self._conn.execute(select(func.count()).select_from(t.users))).scalar_one()


class MaintenanceAlertRepository(TableRepository[MaintenanceAlert]):
    table = t.maintenance_alerts
    fields = f.MAINTENANCE_ALERT_FIELDS
    entity = "maintenance alert"
    filterable = ("customer_id", "status")

    def _conditions(self, query: ListQuery) -> list[ColumnElement[bool]]:
        """The equality filters, and `due_before`: due on or before that date."""
        due_before = query.filters.get(DUE_BEFORE)
        rest = {k: v for k, v in query.filters.items() if k != DUE_BEFORE}
        conditions = super()._conditions(ListQuery(query.limit, query.offset, rest))
        if due_before is not None:
            conditions.append(t.maintenance_alerts.c.due_date <= due_before)
        return conditions

    async def for_appliances(self, appliance_ids: Sequence[int]) -> dict[int, MaintenanceAlert]:
        if not appliance_ids:
            return {}
        alerts = await self._matching(t.maintenance_alerts.c.appliance_id.in_(list(appliance_ids)))
        return {alert.appliance_id: alert for alert in alerts}


TechnicianRepository = repository("technician", t.technicians, f.TECHNICIAN_FIELDS, "active")
PaymentRepository = repository("payment", t.payments, f.PAYMENT_FIELDS, "customer_id", "job_id")
ExpenseRepository = repository("expense", t.expenses, f.EXPENSE_FIELDS, "customer_id", "job_id")
ApplianceRepository = repository("appliance", t.appliances, f.APPLIANCE_FIELDS, "customer_id")
ReviewRepository = repository(
    "review", t.reviews, f.REVIEW_FIELDS, "job_id", "customer_id", "technician_id"
)
TechnicianRatingRepository = repository(
    "technician rating",
    t.customer_technician_ratings,
    f.TECHNICIAN_RATING_FIELDS,
    "job_id",
    "customer_id",
    "technician_id",
)
FollowUpRepository = repository(
    "follow-up", t.service_follow_ups, f.FOLLOW_UP_FIELDS, "job_id", "customer_id", "status"
)
