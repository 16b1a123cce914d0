"""Replaying a demo plan through the use cases with a simulated clock (`fieldcrm seed-demo`)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import click

from application.access import SYSTEM
from application.customers import create_customer, list_customers
from application.expenses import create_expense, list_expenses
from application.jobs import cancel_job, complete_job, create_job, list_jobs, start_job
from application.pagination import ListQuery
from application.payments import create_payment, list_payments
from application.technicians import create_technician, list_technicians, update_technician
from domain.errors import Conflict
from domain.expense import ExpenseDetails
from domain.job import JobDetails
from domain.money import Money
from domain.payment import PaymentDetails
from entrypoints.container import Container
from entrypoints.demo.generator import build_plan
from entrypoints.demo.plan import (
    CREATES,
    DemoPlan,
    Kind,
    PlannedExpense,
    PlannedJob,
    PlannedPayment,
    Step,
    plan_records,
)

CURRENCY = "USD"


class SimulatedClock:
    """The Clock port, telling whatever instant the seeder is replaying."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


def _usd(cents: int) -> Money:
    return Money.rounded(Decimal(cents).scaleb(-2), CURRENCY)


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


@dataclass(slots=True)
class _Ids:
    technicians: dict[int, int] = field(default_factory=dict)
    customers: dict[int, int] = field(default_factory=dict)
    jobs: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Tally:
    created: Counter[Kind] = field(default_factory=Counter)
    job_states: dict[int, Kind] = field(default_factory=dict)
    retired: int = 0
    paid_cents: int = 0
    spent_cents: int = 0

    def count(self, step: Step) -> None:
        if step.kind in CREATES:
            self.created[step.kind] += 1
        if step.kind is Kind.JOB:
            self.job_states[step.ref] = Kind.JOB
        elif step.kind in (Kind.START, Kind.COMPLETE, Kind.CANCEL):
            self.job_states[step.ref] = step.kind
        elif step.kind is Kind.RETIRE:
            self.retired += 1
        elif step.kind is Kind.PAYMENT:
            self.paid_cents += step.data.cents
        elif step.kind is Kind.EXPENSE:
            self.spent_cents += step.data.cents

    def summary(self, plan: DemoPlan, as_of: datetime, seconds: float) -> str:
        c = self.created
        states = Counter(self.job_states.values())
        return (
            f"seeded demo shop (seed {plan.seed}, as of {as_of:%Y-%m-%d %H:%M} UTC): "
            f"{c[Kind.TECHNICIAN]} technicians ({self.retired} inactive), "
            f"{c[Kind.CUSTOMER]} customers, {c[Kind.JOB]} jobs "
            f"({states[Kind.COMPLETE]} completed, {states[Kind.CANCEL]} cancelled, "
            f"{states[Kind.START]} in progress, {states[Kind.JOB]} scheduled), "
            f"{c[Kind.PAYMENT]} payments ({_dollars(self.paid_cents)}), "
            f"{c[Kind.EXPENSE]} expenses ({_dollars(self.spent_cents)}) in {seconds:.1f}s"
        )


async def _apply(container: Container, clock: SimulatedClock, step: Step, ids: _Ids) -> None:
    clock.instant = step.at
    uow = container.uow()
    match step.kind:
        case Kind.TECHNICIAN:
            tech = await create_technician(SYSTEM, uow, clock, step.data)
            assert tech.id is not None
            ids.technicians[step.ref] = tech.id
        case Kind.RETIRE:
            await update_technician(SYSTEM, uow, ids.technicians[step.ref], step.data)
        case Kind.CUSTOMER:
            customer = await create_customer(SYSTEM, uow, clock, step.data)
            assert customer.id is not None
            ids.customers[step.ref] = customer.id
        case Kind.JOB:
            planned: PlannedJob = step.data
            job = await create_job(
                SYSTEM,
                uow,
                clock,
                JobDetails(
                    customer_id=ids.customers[planned.customer],
                    description=planned.description,
                    scheduled_for=planned.scheduled_for,
                    technician_id=(
                        None if planned.technician is None else ids.technicians[planned.technician]
                    ),
                    appliance=planned.appliance,
                    notes=planned.notes,
                ),
            )
            assert job.id is not None
            ids.jobs[step.ref] = job.id
        case Kind.START:
            await start_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.COMPLETE:
            await complete_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.CANCEL:
            await cancel_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.PAYMENT:
            p: PlannedPayment = step.data
            await create_payment(
                SYSTEM,
                uow,
                clock,
                PaymentDetails(
                    customer_id=ids.customers[p.customer],
                    amount=_usd(p.cents),
                    paid_at=p.paid_at,
                    payment_method=p.method,
                    job_id=None if p.job is None else ids.jobs[p.job],
                    reference=p.reference,
                ),
            )
        case Kind.EXPENSE:
            e: PlannedExpense = step.data
            await create_expense(
                SYSTEM,
                uow,
                clock,
                ExpenseDetails(
                    amount=_usd(e.cents),
                    category=e.category,
                    incurred_at=e.incurred_at,
                    description=e.description,
                    customer_id=None if e.customer is None else ids.customers[e.customer],
                    job_id=None if e.job is None else ids.jobs[e.job],
                ),
            )


async def _existing_records(container: Container) -> dict[str, int]:
    one = ListQuery(limit=1)
    listers: Sequence[tuple[str, Any]] = (
        ("customers", list_customers),
        ("technicians", list_technicians),
        ("jobs", list_jobs),
        ("payments", list_payments),
        ("expenses", list_expenses),
    )
    found: dict[str, int] = {}
    for name, lister in listers:
        total = (await lister(SYSTEM, container.uow(), one)).total
        if total:
            found[name] = total
    return found


def default_as_of(now: datetime) -> datetime:
    """Today 00:00 UTC: the same seed on the same day gives the same shop."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def seed(container: Container, plan: DemoPlan, *, force: bool = False) -> str:
    """Write the demo shop through the use cases; refuses a database that already has data.

    With `force`, the demo shop is added next to what exists (nothing is changed or removed).
    Users are not demo data: an installation with only its admin account counts as empty.
    """
    began = time.perf_counter()
    try:
        plan = plan.checked()
        if not force:
            existing = await _existing_records(container)
            if existing:
                listed = ", ".join(f"{count} {name}" for name, count in existing.items())
                raise Conflict(
                    f"the database already holds {listed}; seed-demo fills an empty database "
                    "(pass --force to add the demo shop next to the existing data)"
                )
        as_of = plan.as_of or default_as_of(container.clock().now())
        steps = build_plan(plan, as_of).chronological()
        clock = SimulatedClock(as_of)
        ids = _Ids()
        tally = _Tally()
        with click.progressbar(
            length=plan_records(steps),
            label="Seeding demo shop",
            file=sys.stderr,
            show_pos=True,
        ) as bar:
            for step in steps:
                await _apply(container, clock, step, ids)
                tally.count(step)
                if step.kind in CREATES:
                    bar.update(1)
    finally:
        await container.engine().dispose()
    return tally.summary(plan, as_of, time.perf_counter() - began)
