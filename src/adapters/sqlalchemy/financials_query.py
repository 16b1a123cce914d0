"""Financials read model: every sum computed by the database, one statement per request."""

from __future__ import annotations

from typing import Any

from msgspec import structs
from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.financial_sums import (
    SUMS,
    customer_expense_filter,
    job_totals,
    main_and_others,
    method_totals,
    reported_method,
    sums_by,
    sums_by_currency,
    totals,
)
from adapters.sqlalchemy.json_sql import JsonSql
from adapters.sqlalchemy.read_connection import read_connection
from application.ports.unit_of_work import UnitOfWork
from application.read_models.financials import CustomerFinancials, JobFinancials


def customer_financial_columns(js: JsonSql, customer_id: Any) -> dict[str, ScalarSelect[Any]]:
    """The JSON columns a customer's financial summary is built from."""
    p, e = t.payments, t.expenses
    expense_filter = customer_expense_filter(customer_id)
    customer_jobs = select(t.jobs.c.id).where(t.jobs.c.customer_id == customer_id)
    return {
        "fin_revenue": sums_by_currency(js, p, p.c.customer_id == customer_id),
        "fin_expenses": sums_by_currency(js, e, expense_filter),
        "fin_methods": sums_by(
            js, p, reported_method(p.c.payment_method), p.c.customer_id == customer_id
        ),
        "fin_job_revenue": sums_by(
            js, p, p.c.job_id, (p.c.customer_id == customer_id) & p.c.job_id.is_not(None)
        ),
        "fin_job_expenses": sums_by(js, e, e.c.job_id, e.c.job_id.in_(customer_jobs)),
    }


def customer_financials_from(
    row: Any, customer_id: int, default_currency: str
) -> CustomerFinancials:
    """The summary from a row with the `fin_*` columns (by name)."""
    revenue, expenses = SUMS.decode(row.fin_revenue), SUMS.decode(row.fin_expenses)
    main, others = main_and_others(totals(revenue, expenses), default_currency)
    return CustomerFinancials(
        **structs.asdict(main),
        customer_id=customer_id,
        other_currencies=others,
        by_payment_method=method_totals(SUMS.decode(row.fin_methods)),
        by_job=job_totals(SUMS.decode(row.fin_job_revenue), SUMS.decode(row.fin_job_expenses)),
    )


class SqlFinancialsQuery:
    def __init__(self, engine: AsyncEngine, default_currency: str = "USD") -> None:
        self._engine = engine
        self._js = JsonSql(engine.dialect.name)
        self._default_currency = default_currency

    async def customer_financials(
        self, customer_id: int, uow: UnitOfWork | None = None
    ) -> CustomerFinancials | None:
        columns = customer_financial_columns(self._js, customer_id)
        query = select(t.customers.c.id, *(c.label(n) for n, c in columns.items())).where(
            t.customers.c.id == customer_id
        )
        async with read_connection(self._engine, uow) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return customer_financials_from(row, customer_id, self._default_currency)

    async def job_financials(
        self, job_id: int, uow: UnitOfWork | None = None
    ) -> JobFinancials | None:
        js, p, e = self._js, t.payments, t.expenses
        query = select(
            t.jobs.c.customer_id,
            sums_by_currency(js, p, p.c.job_id == job_id).label("revenue"),
            sums_by_currency(js, e, e.c.job_id == job_id).label("expenses"),
        ).where(t.jobs.c.id == job_id)
        async with read_connection(self._engine, uow) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        all_totals = totals(SUMS.decode(row.revenue), SUMS.decode(row.expenses))
        main, others = main_and_others(all_totals, self._default_currency)
        return JobFinancials(
            **structs.asdict(main),
            job_id=job_id,
            customer_id=row.customer_id,
            other_currencies=others,
        )
