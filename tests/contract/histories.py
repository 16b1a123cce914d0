"""Random histories (hypothesis): customers with referrals, technicians, jobs in every
status, payments and expenses in two currencies, reviews, ratings, follow-ups, appliances
with alerts, and messages; written the same way into any unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from domain.follow_up import FollowUpStatus
from domain.job import JobStatus
from domain.maintenance_alert import AlertStatus
from domain.messaging.message import MessageStatus, Purpose
from domain.money import Money
from domain.payment import PaymentMethod
from tests.conftest import truncate_all
from tests.contract.rows import T0, Seed

DAYS = st.integers(-200, 200)


@dataclass(frozen=True)
class History:
    customers: list[tuple[int | None, bool]]  # (referrer index, marketing consent)
    technicians: int
    jobs: list[tuple[int, int | None, JobStatus, int]]  # customer, technician, status, day
    payments: list[tuple[int, int | None, int, str, PaymentMethod, int]]
    expenses: list[tuple[int | None, int | None, int, str, int]]
    ratings: list[tuple[int, int, bool]]  # job, rating, also a review
    follow_ups: list[tuple[int, FollowUpStatus, int | None, int, bool]]
    appliances: list[tuple[int, int | None]]  # customer, alert due in days (or none)
    messages: list[tuple[int, Purpose, MessageStatus, int]]


def contract_examples(count: int) -> Any:
    """The hypothesis settings of a contract test on SQL: `count` examples, the same ones
    every run (derandomized), no deadline (each example writes a whole history)."""
    return settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


@st.composite
def histories(draw: st.DrawFn) -> History:
    n = draw(st.integers(1, 4))
    who = st.integers(0, n - 1)
    customers = [
        (draw(st.none() | st.integers(0, i - 1)) if i else None, draw(st.booleans()))
        for i in range(n)
    ]
    techs = draw(st.integers(0, 2))
    tech = st.none() | st.integers(0, techs - 1) if techs else st.none()
    jobs = draw(st.lists(st.tuples(who, tech, st.sampled_from(JobStatus), DAYS), max_size=6))
    job = st.none() | st.integers(0, len(jobs) - 1) if jobs else st.none()
    money = st.integers(1, 100_000)
    currency = st.sampled_from(["USD", "EUR"])
    payments = draw(
        st.lists(
            st.tuples(who, job, money, currency, st.sampled_from(PaymentMethod), DAYS), max_size=6
        )
    )
    expenses = draw(st.lists(st.tuples(st.none() | who, job, money, currency, DAYS), max_size=5))
    rated = (
        draw(st.sets(st.integers(0, len(jobs) - 1), max_size=len(jobs)))
        if jobs and techs
        else set()
    )
    ratings = [(j, draw(st.integers(1, 5)), draw(st.booleans())) for j in sorted(rated)]
    follow_ups = (
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, len(jobs) - 1),
                    st.sampled_from(FollowUpStatus),
                    st.none() | st.integers(1, 5),
                    DAYS,
                    st.booleans(),
                ),
                max_size=4,
            )
        )
        if jobs
        else []
    )
    appliances = draw(st.lists(st.tuples(who, st.none() | st.integers(-30, 60)), max_size=4))
    messages = draw(
        st.lists(
            st.tuples(who, st.sampled_from(Purpose), st.sampled_from(MessageStatus), DAYS),
            max_size=4,
        )
    )
    return History(
        customers, techs, jobs, payments, expenses, ratings, follow_ups, appliances, messages
    )


def _day(day: int) -> Any:
    return T0 + timedelta(days=day)


async def write(uow: Any, h: History) -> None:
    """Store `h` in `uow` (ids follow the lists' order on every store)."""
    seed = Seed(uow)
    customers = []
    for referrer, consent in h.customers:
        referred_by = customers[referrer] if referrer is not None else None
        customers.append(
            (await seed.add("customers", referred_by_id=referred_by, marketing_consent=consent)).id
        )
    techs = [(await seed.add("technicians")).id for _ in range(h.technicians)]
    jobs = []
    for customer, tech, status, day in h.jobs:
        job = seed.entity(
            "jobs",
            customer_id=customers[customer],
            status=status,
            technician_id=None if tech is None else techs[tech],
            scheduled_for=_day(day),
        )
        if status in (JobStatus.IN_PROGRESS, JobStatus.COMPLETED):
            job.started_at = _day(day) + timedelta(hours=1)
        if status is JobStatus.COMPLETED:
            job.completion_date = _day(day) + timedelta(hours=3)
        if status is JobStatus.CANCELLED:
            job.cancelled_at = _day(day)
        jobs.append(await uow.jobs.add(job))
    for customer, j, minor, currency, method, day in h.payments:
        await seed.add(
            "payments",
            customer_id=customers[customer],
            job_id=None if j is None else jobs[j].id,
            amount=Money.of(Decimal(minor) / 100, currency),
            payment_method=method,
            paid_at=_day(day),
        )
    for customer, j, minor, currency, day in h.expenses:
        await seed.add(
            "expenses",
            customer_id=None if customer is None else customers[customer],
            job_id=None if j is None else jobs[j].id,
            amount=Money.of(Decimal(minor) / 100, currency),
            incurred_at=_day(day),
        )
    for j, rating, review in h.ratings:
        job = jobs[j]
        tech = job.details.technician_id or techs[0]
        at = job.details.scheduled_for + timedelta(days=1)
        who = {"job_id": job.id, "customer_id": job.details.customer_id, "technician_id": tech}
        await seed.add("technician_ratings", rating=rating, created_at=at, **who)
        if review:
            await seed.add(
                "reviews", rating=rating, created_at=at, comment=f"rated {rating}", **who
            )
    for j, status, rating, day, suggested in h.follow_ups:
        job = jobs[j]
        await seed.add(
            "follow_ups",
            job_id=job.id,
            customer_id=job.details.customer_id,
            status=status,
            satisfaction_rating=rating,
            created_at=_day(day),
            suggestion_key=f"suggestion:{seed.count}" if suggested else None,
        )
    for customer, due in h.appliances:
        appliance = await seed.add("appliances", customer_id=customers[customer])
        if due is not None:
            await seed.add(
                "maintenance_alerts",
                appliance_id=appliance.id,
                customer_id=customers[customer],
                due_date=(T0 + timedelta(days=due)).date(),
                confidence=round(0.3 + (due % 65) / 100, 2),  # hundredths, as the domain keeps
                status=AlertStatus.DONE if due % 3 == 0 else AlertStatus.OPEN,
            )
    for customer, purpose, status, day in h.messages:
        sent = status in (MessageStatus.SENT, MessageStatus.DELIVERED)
        await seed.add(
            "messages",
            customer_id=customers[customer],
            purpose=purpose,
            status=status,
            scheduled_for=_day(day),
            sent_at=_day(day) if sent else None,
        )


async def write_anew(engine: AsyncEngine, history: History) -> None:
    """`history`, committed in a database emptied first (ids start at 1)."""
    await truncate_all(engine)
    async with SqlUnitOfWork(engine) as uow:
        await write(uow, history)
        await uow.commit()


async def with_microseconds(conn: AsyncConnection, columns: tuple[tuple[Table, str], ...]) -> None:
    """Every other row of each (table, instant column) gets a fraction of a second (msgspec
    writes microseconds only when there are some: a document must write them alike)."""
    for table, column in columns:
        rows = (await conn.execute(select(table.c.id, table.c[column]))).all()
        for row_id, at in rows:
            if row_id % 2 == 0:
                shifted = at + timedelta(microseconds=row_id * 1000 + 7)
                await conn.execute(
                    update(table).where(table.c.id == row_id).values({column: shifted})
                )
