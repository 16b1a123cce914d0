"""Both financial endpoints agree with a plain-Python model of the rule, on every backend.

Customer: revenue = the customer's payments; expenses = every expense whose customerId is
the customer or whose jobId is one of the customer's jobs, each expense counted once.
Job: the job's payments minus the job's expenses. Per currency; the main currency is the
one with the largest turnover (revenue + expenses, ties by code), the rest are "others".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application import customers, expenses, jobs, payments
from application.access import SYSTEM
from application.customer_reads import customer_financials, job_financials, view_customer
from domain.customer import CustomerDetails
from domain.expense import ExpenseDetails
from domain.job import JobDetails
from domain.money import Money
from domain.payment import PaymentDetails, PaymentMethod
from entrypoints.container import Container
from tests import stateful_model as model
from tests.conftest import truncate_all

DEFAULT_CURRENCY = "USD"  # Settings.default_currency of the test container
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)
currencies = st.sampled_from(["USD", "USD", "USD", "EUR"])
minor_amounts = st.integers(min_value=1, max_value=5_000_000)
EXPENSE_KINDS = ("direct", "job", "both", "neither")


@dataclass
class Row:
    """A payment or expense as generated: owner indexes plus minor units and currency."""

    customer: int | None  # index into customers (None: no customerId)
    job: int | None  # index into all jobs (None: no jobId)
    minor: int
    currency: str
    method: str = ""


@dataclass
class Ledger:
    job_owner: list[int]  # job index -> customer index
    customers: int
    payments: list[Row] = field(default_factory=list)
    expenses: list[Row] = field(default_factory=list)


@st.composite
def ledgers(draw: Any) -> Ledger:
    n_customers = draw(st.integers(2, 3))
    jobs_per_customer = [draw(st.integers(0, 3)) for _ in range(n_customers)]
    ledger = Ledger([c for c, n in enumerate(jobs_per_customer) for _ in range(n)], n_customers)
    jobs_of = {c: [j for j, o in enumerate(ledger.job_owner) if o == c] for c in range(n_customers)}
    customer_index = st.integers(0, n_customers - 1)
    for _ in range(draw(st.integers(0, 12))):
        c = draw(customer_index)
        job = draw(st.none() | st.sampled_from(jobs_of[c])) if jobs_of[c] else None
        method = draw(st.sampled_from([m.value for m in PaymentMethod]))
        ledger.payments.append(Row(c, job, draw(minor_amounts), draw(currencies), method))
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(EXPENSE_KINDS))
        if kind in ("job", "both") and not ledger.job_owner:
            kind = "direct"
        owner: int | None = draw(customer_index) if kind == "direct" else None
        job = None
        if kind in ("job", "both"):
            job = draw(st.sampled_from(range(len(ledger.job_owner))))
            owner = ledger.job_owner[job] if kind == "both" else None
        ledger.expenses.append(Row(owner, job, draw(minor_amounts), draw(currencies)))
    return ledger


# --- the model: the same plain-Python ledger the stateful test checks against ------------


def model_of(ledger: Ledger, ids: Ids) -> model.Ledger:
    """The drawn ledger with the stored ids, as the shared model (tests/stateful_model.py)."""

    def entry(row: Row) -> model.Entry:
        customer = None if row.customer is None else ids.customers[row.customer]
        job = None if row.job is None else ids.jobs[row.job]
        return model.Entry(customer, job, row.minor, row.currency, row.method)

    return model.Ledger(
        job_owner={ids.jobs[j]: ids.customers[c] for j, c in enumerate(ledger.job_owner)},
        payments=[entry(p) for p in ledger.payments],
        expenses=[entry(e) for e in ledger.expenses],
    )


# --- writing the ledger through the use cases ----------------------------------------------


@dataclass
class Ids:
    customers: list[int]
    jobs: list[int]


def money(row: Row) -> Money:
    return Money.of(Decimal(row.minor).scaleb(-2), row.currency)


async def store(container: Container, ledger: Ledger) -> Ids:
    clock = container.clock()
    ids = Ids([], [])
    for c in range(ledger.customers):
        customer = await customers.create_customer(
            SYSTEM, container.uow(), clock, CustomerDetails(f"Customer {c}")
        )
        assert customer.id is not None
        ids.customers.append(customer.id)
    for n, owner in enumerate(ledger.job_owner):
        details = JobDetails(ids.customers[owner], f"job {n}", T0 + timedelta(days=n))
        job = await jobs.create_job(SYSTEM, container.uow(), clock, details)
        assert job.id is not None
        ids.jobs.append(job.id)
    for n, p in enumerate(ledger.payments):
        assert p.customer is not None
        details = PaymentDetails(
            customer_id=ids.customers[p.customer],
            amount=money(p),
            paid_at=T0 + timedelta(hours=n),
            payment_method=PaymentMethod(p.method),
            job_id=None if p.job is None else ids.jobs[p.job],
        )
        await payments.create_payment(SYSTEM, container.uow(), clock, details)
    for n, e in enumerate(ledger.expenses):
        details = ExpenseDetails(
            amount=money(e),
            category="parts",
            incurred_at=T0 + timedelta(hours=n),
            customer_id=None if e.customer is None else ids.customers[e.customer],
            job_id=None if e.job is None else ids.jobs[e.job],
        )
        await expenses.create_expense(SYSTEM, container.uow(), clock, details)
    return ids


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger=ledgers())
async def test_financials_match_the_model(container: Container, ledger: Ledger) -> None:
    await truncate_all(container.engine())
    ids = await store(container, ledger)
    query = container.financials_query()
    expected = model_of(ledger, ids)
    for customer_id in ids.customers:
        found = await customer_financials(SYSTEM, container.uow(), query, customer_id)
        assert found == expected.customer(customer_id)
        view = await view_customer(
            SYSTEM, container.uow(), container.customer_view_query(), customer_id, 100
        )
        assert view.financial_summary == found
    for job_id in ids.jobs:
        found_job = await job_financials(SYSTEM, container.uow(), query, job_id)
        assert found_job == expected.job(job_id)
