"""Seed a benchmark database with Core bulk inserts: one large customer among many small ones.

The rows obey the domain rules (what the use cases would have written): reviews and ratings
only on COMPLETED jobs, one per job, by the job's technician; lifecycle timestamps match each
job's status; an expense with both `customer_id` and `job_id` names the job's own customer;
money is integer minor units; referral codes are unique `new_referral_code()` values; an
appliance's `last_service_date` is the completion date of the last completed job naming it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy import tables as t
from domain.follow_up import FollowUpStatus
from domain.job import JobStatus
from domain.payment import PaymentMethod
from domain.referral import new_referral_code

AS_OF = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
CATEGORIES = ("parts", "travel", "labor", "disposal", "subcontractor")
APPLIANCE_TYPES = ("Refrigerator", "Washer", "Dryer", "Dishwasher", "Oven", "Furnace", "AC unit")
BRANDS = ("Whirlpool", "LG", "Samsung", "Bosch", "GE", "Maytag", "Carrier")
FOLLOW_UP_STATUSES = tuple(FollowUpStatus)
METHODS = tuple(PaymentMethod)


@dataclass(frozen=True, slots=True)
class Plan:
    """How many rows the benchmarked customer has, and how much other data surrounds it."""

    jobs: int = 120
    payments: int = 120
    expenses: int = 120
    appliances: int = 40
    reviews: int = 60
    ratings: int = 30
    follow_ups: int = 40
    referrals: int = 10
    technicians: int = 12
    other_customers: int = 400
    other_jobs_each: int = 3
    seed: int = 20260115

    @property
    def related_rows(self) -> int:
        return (
            self.jobs
            + self.payments
            + self.expenses
            + self.appliances
            + self.reviews
            + self.ratings
            + self.follow_ups
            + self.referrals
        )


@dataclass(frozen=True, slots=True)
class Seeded:
    customer_id: int
    rows_in_database: int


async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert many rows in one executemany (batched multi-row VALUES); their ids, in order."""
    if not rows:
        return []
    result = await conn.execute(
        table.insert().returning(table.c.id, sort_by_parameter_order=True), list(rows)
    )
    return list(result.scalars())


class _Codes:
    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self) -> str:
        while (code := new_referral_code()) in self._used:
            pass
        self._used.add(code)
        return code


def _customer(rng: random.Random, codes: _Codes, n: int, **extra: Any) -> dict[str, Any]:
    row = {
        "name": f"Customer {n:05d}",
        "phone": f"+1555010{n % 100:02d}",
        "email": f"customer{n}@example.com",
        "address": f"{100 + n} Elm Street, Springfield",
        "time_zone": rng.choice(("America/Los_Angeles", "America/New_York", "Europe/Madrid")),
        "notes": None,
        "created_at": AS_OF - timedelta(days=900 - n % 100, minutes=n),
        "referral_code": codes.new(),
        "referred_by_id": None,
        "preferred_technician_id": None,
        "preferred_contact_method": None,
        "preferred_contact_times": None,
        "communication_frequency_preference": None,
        "language_preference": "en",
    }
    row.update(extra)
    return row


def _job(
    rng: random.Random,
    customer_id: int,
    status: JobStatus,
    scheduled_for: datetime,
    technician_id: int | None,
    appliance_id: int | None,
    appliance_label: str | None,
) -> dict[str, Any]:
    created_at = min(scheduled_for - timedelta(days=rng.randint(1, 10)), AS_OF)
    started = completed = cancelled = None
    if status in (JobStatus.IN_PROGRESS, JobStatus.COMPLETED):
        started = scheduled_for + timedelta(minutes=rng.randint(0, 45))
    if status is JobStatus.COMPLETED:
        assert started is not None
        completed = started + timedelta(minutes=rng.randint(30, 240))
    if status is JobStatus.CANCELLED:
        cancelled = created_at + timedelta(hours=rng.randint(1, 20))
    return {
        "customer_id": customer_id,
        "technician_id": technician_id,
        "description": f"{appliance_label or 'Appliance'} not working: {rng.randint(1, 999)}",
        "appliance": appliance_label,
        "appliance_id": appliance_id,
        "notes": "Bring spare parts" if rng.random() < 0.3 else None,
        "scheduled_for": scheduled_for,
        "status": status.value,
        "started_at": started,
        "completion_date": completed,
        "cancelled_at": cancelled,
        "created_at": created_at,
    }


def _target_statuses(n: int) -> list[JobStatus]:
    """Newest first: a few booked ahead, a few in progress, the rest done or cancelled."""
    statuses: list[JobStatus] = []
    for i in range(n):
        if i < n // 8:
            statuses.append(JobStatus.SCHEDULED)
        elif i < n // 8 + max(1, n // 24):
            statuses.append(JobStatus.IN_PROGRESS)
        elif i % 12 == 5:
            statuses.append(JobStatus.CANCELLED)
        else:
            statuses.append(JobStatus.COMPLETED)
    return statuses


async def seed(engine: AsyncEngine, plan: Plan = Plan()) -> Seeded:
    """Write the data set in one transaction; returns the id of the benchmarked customer."""
    rng = random.Random(plan.seed)
    codes = _Codes()
    c, j, p, e = t.customers, t.jobs, t.payments, t.expenses
    a, r, tr, f = t.appliances, t.reviews, t.customer_technician_ratings, t.service_follow_ups
    total = 0
    async with engine.begin() as conn:
        tech_ids = await _insert(
            conn,
            t.technicians,
            [
                {
                    "name": f"Technician {i}",
                    "phone": f"+1555019{i:02d}",
                    "email": f"tech{i}@example.net",
                    "skills": ["refrigeration", "laundry"][: 1 + i % 2],
                    "active": True,
                    "created_at": AS_OF - timedelta(days=1000 - i),
                }
                for i in range(plan.technicians)
            ],
        )
        # The customer who referred the benchmarked one, the benchmarked one, then the others
        # (the first `plan.referrals` of them were referred by the benchmarked customer).
        (referrer_id,) = await _insert(conn, c, [_customer(rng, codes, 0)])
        (target,) = await _insert(
            conn,
            c,
            [
                _customer(
                    rng,
                    codes,
                    1,
                    name="Benchmark Customer",
                    notes="Gate code 4711; dog in the yard.",
                    referred_by_id=referrer_id,
                    preferred_technician_id=tech_ids[0],
                    preferred_contact_method="WHATSAPP",
                    preferred_contact_times={
                        "weekdays": ["morning", "afternoon"],
                        "weekends": ["any"],
                    },
                    communication_frequency_preference="MODERATE",
                    language_preference="es-MX",
                )
            ],
        )
        others = await _insert(
            conn,
            c,
            [
                _customer(rng, codes, n + 2, referred_by_id=target if n < plan.referrals else None)
                for n in range(plan.other_customers)
            ],
        )
        total += len(tech_ids) + 2 + len(others)

        # Appliances first (jobs name them), their last service filled in after the jobs.
        def appliance(customer_id: int, k: int) -> dict[str, Any]:
            created = AS_OF - timedelta(days=800 - k * 7, hours=k)
            return {
                "customer_id": customer_id,
                "type": APPLIANCE_TYPES[k % len(APPLIANCE_TYPES)],
                "brand": BRANDS[k % len(BRANDS)],
                "model_number": f"M-{k:04d}",
                "serial_number": f"SN{rng.randint(10**8, 10**9 - 1)}",
                "installed_on": (created - timedelta(days=400)).date(),
                "last_service_date": None,
                "job_id": None,
                "created_at": created,
                "updated_at": created,
            }

        target_appliances = await _insert(
            conn, a, [appliance(target, k) for k in range(plan.appliances)]
        )
        other_appliances = await _insert(conn, a, [appliance(o, 3) for o in others])

        # The benchmarked customer's jobs, newest first in time.
        statuses = _target_statuses(plan.jobs)
        job_rows = []
        for i, status in enumerate(statuses):
            scheduled = AS_OF + timedelta(days=2 * (plan.jobs // 8) - 5 * i, hours=i % 9)
            if status is JobStatus.SCHEDULED:
                scheduled = AS_OF + timedelta(days=3 + 2 * (plan.jobs // 8 - i), hours=i % 9)
            elif status is JobStatus.IN_PROGRESS:
                scheduled = AS_OF - timedelta(hours=1 + i)
            else:
                scheduled = AS_OF - timedelta(days=2 + 6 * i, hours=i % 9)
            technician = (
                None if status is JobStatus.SCHEDULED and i % 3 == 0 else rng.choice(tech_ids)
            )
            k = i % (plan.appliances + plan.appliances // 2)
            appliance_id = target_appliances[k] if k < len(target_appliances) else None
            label = APPLIANCE_TYPES[k % len(APPLIANCE_TYPES)] if appliance_id else "Microwave"
            job_rows.append(_job(rng, target, status, scheduled, technician, appliance_id, label))
        target_jobs = await _insert(conn, j, job_rows)
        jobs = list(zip(target_jobs, job_rows, strict=True))
        completed = [(jid, row) for jid, row in jobs if row["status"] == JobStatus.COMPLETED]

        # Everyone else's jobs: the indices must pick the one customer out of these.
        other_job_rows = []
        for o, o_appliance in zip(others, other_appliances, strict=True):
            for k in range(plan.other_jobs_each):
                status = (JobStatus.COMPLETED, JobStatus.SCHEDULED, JobStatus.CANCELLED)[k % 3]
                when = AS_OF + timedelta(days=10) if k % 3 == 1 else AS_OF - timedelta(days=30 * k)
                other_job_rows.append(
                    _job(rng, o, status, when, rng.choice(tech_ids), o_appliance, "Washer")
                )
        other_jobs = await _insert(conn, j, other_job_rows)
        other_completed = [
            (jid, row)
            for jid, row in zip(other_jobs, other_job_rows, strict=True)
            if row["status"] == JobStatus.COMPLETED
        ]
        all_completed = completed + other_completed
        total += plan.appliances + len(other_appliances) + len(jobs) + len(other_jobs)

        # Each appliance's last service: the newest completed job naming it (never backward).
        last_service: dict[int, tuple[datetime, int]] = {}
        for jid, row in all_completed:
            aid = row["appliance_id"]
            if aid is not None and (
                aid not in last_service or row["completion_date"] > last_service[aid][0]
            ):
                last_service[aid] = (row["completion_date"], jid)
        if last_service:
            await conn.execute(
                update(a)
                .where(a.c.id == bindparam("b_id"))
                .values(
                    job_id=bindparam("b_job"),
                    last_service_date=bindparam("b_date"),
                    updated_at=bindparam("b_date"),
                ),
                [
                    {"b_id": aid, "b_job": jid, "b_date": when}
                    for aid, (when, jid) in last_service.items()
                ],
            )

        # Payments: most for completed jobs (some jobs paid in two parts), some deposits.
        def payment(customer_id: int, job_id: int | None, when: datetime, n: int) -> dict[str, Any]:
            currency = "EUR" if n % 20 == 7 else "USD"
            return {
                "customer_id": customer_id,
                "job_id": job_id,
                "amount_minor": rng.randint(50, 900) * 100 + rng.choice((0, 50, 99)),
                "currency": currency,
                "payment_method": METHODS[n % len(METHODS)].value,
                "reference": f"INV-{n:05d}" if n % 4 else None,
                "paid_at": when,
                "created_at": when + timedelta(minutes=5),
            }

        payment_rows = []
        for n in range(plan.payments):
            if n < plan.payments * 5 // 6:
                jid, row = completed[n % len(completed)]
                when = row["completion_date"] + timedelta(hours=1 + n // len(completed) * 48)
                payment_rows.append(payment(target, jid, when, n))
            else:
                payment_rows.append(payment(target, None, AS_OF - timedelta(days=3 * n), n))
        for n, (jid, row) in enumerate(other_completed):
            payment_rows.append(payment(row["customer_id"], jid, row["completion_date"], n))
            payment_rows.append(payment(row["customer_id"], None, row["created_at"], n + 1))
        await _insert(conn, p, payment_rows)

        # Expenses: direct, job-related naming the customer, job-related naming only the job.
        def expense(
            customer_id: int | None, job_id: int | None, when: datetime, n: int
        ) -> dict[str, Any]:
            return {
                "customer_id": customer_id,
                "job_id": job_id,
                "amount_minor": rng.randint(5, 300) * 100 + rng.choice((0, 25)),
                "currency": "EUR" if n % 25 == 3 else "USD",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "description": f"Expense {n}" if n % 3 else None,
                "incurred_at": when,
                "created_at": when + timedelta(hours=2),
            }

        expense_rows = []
        direct = plan.expenses // 3
        for n in range(plan.expenses):
            if n < direct:
                expense_rows.append(expense(target, None, AS_OF - timedelta(days=5 * n + 1), n))
            else:
                jid, row = jobs[n % len(jobs)]
                when = min(row["scheduled_for"], AS_OF) - timedelta(hours=3)
                owner = target if n % 8 < 5 else None
                expense_rows.append(expense(owner, jid, when, n))
        for n, (jid, row) in enumerate(zip(other_jobs, other_job_rows, strict=True)):
            expense_rows.append(expense(None, jid, min(row["scheduled_for"], AS_OF), n))
            if n % 2:
                expense_rows.append(expense(row["customer_id"], None, row["created_at"], n))
        await _insert(conn, e, expense_rows)

        # Reviews and technician ratings: completed jobs only, one per job, job's technician.
        def rated(jid: int, row: dict[str, Any], n: int, comment: bool) -> dict[str, Any]:
            rating = {
                "job_id": jid,
                "customer_id": row["customer_id"],
                "technician_id": row["technician_id"],
                "rating": 1 + (n * 7) % 5,
                "created_at": row["completion_date"] + timedelta(days=1, minutes=n),
            }
            if comment:
                rating["comment"] = "Great service, on time." if n % 2 else None
            return rating

        if plan.reviews > len(completed) or plan.ratings > len(completed):
            raise ValueError("more reviews or ratings than completed jobs")
        review_rows = [rated(jid, row, n, True) for n, (jid, row) in enumerate(completed)]
        review_rows = review_rows[: plan.reviews]
        review_rows += [
            rated(jid, row, n, True) for n, (jid, row) in enumerate(other_completed) if n % 2
        ]
        await _insert(conn, r, review_rows)
        rating_rows = [rated(jid, row, n, False) for n, (jid, row) in enumerate(completed[::-1])][
            : plan.ratings
        ]
        rating_rows += [
            rated(jid, row, n, False) for n, (jid, row) in enumerate(other_completed) if n % 3 == 0
        ]
        await _insert(conn, tr, rating_rows)

        # Follow-ups after completed jobs, in every state of the machine.
        def follow_up(jid: int, row: dict[str, Any], n: int) -> dict[str, Any]:
            status = FOLLOW_UP_STATUSES[n % len(FOLLOW_UP_STATUSES)]
            done = status is FollowUpStatus.COMPLETED
            return {
                "job_id": jid,
                "customer_id": row["customer_id"],
                "status": status.value,
                "satisfaction_rating": 1 + n % 5 if done else None,
                "feedback": "All good now." if done else None,
                "follow_up_date": None
                if status is FollowUpStatus.PENDING
                else row["completion_date"] + timedelta(days=7),
                "created_at": row["completion_date"] + timedelta(hours=1, minutes=n),
            }

        followed = [completed[k % len(completed)] for k in range(plan.follow_ups)]
        follow_up_rows = [follow_up(jid, row, n) for n, (jid, row) in enumerate(followed)]
        follow_up_rows += [
            follow_up(jid, row, n) for n, (jid, row) in enumerate(other_completed) if n % 4 == 0
        ]
        await _insert(conn, f, follow_up_rows)

        total += (
            len(payment_rows)
            + len(expense_rows)
            + len(review_rows)
            + len(rating_rows)
            + len(follow_up_rows)
        )
        # Planner statistics, as a database that has been running a while has them.
        await conn.execute(text("ANALYZE"))
    return Seeded(customer_id=target, rows_in_database=total)
