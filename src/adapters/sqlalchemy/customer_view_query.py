"""The Customer View read model: one SELECT, its JSON decoded by msgspec into `CustomerView`,
or passed on as the document clients get (`customer_view_document`).

Whatever the number of jobs, payments or expenses, the whole view is one statement (see
customer_view_sql.py); sums are computed in SQL. No ORM objects are built.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.customer_view_sql import customer_view_select
from adapters.sqlalchemy.driver_statement import DriverStatement
from adapters.sqlalchemy.financials_query import customer_financials_from
from adapters.sqlalchemy.json_sql import JsonSql
from adapters.sqlalchemy.read_connection import read_connection
from application.ports.unit_of_work import UnitOfWork
from application.read_models.customer_view import CustomerView, CustomerViewDocument

VIEW = msgspec.json.Decoder(CustomerView)


def _newest_first(view: CustomerView) -> None:
    """Order every collection newest first, the to-do lists most pressing first (JSON
    aggregation keeps no guaranteed order)."""
    view.payments.sort(key=lambda x: (x.paid_at, x.id), reverse=True)
    view.expenses.sort(key=lambda x: (x.incurred_at, x.id), reverse=True)
    view.jobs.sort(key=lambda x: (x.scheduled_for, x.id), reverse=True)
    for job in view.jobs:
        job.expenses.sort(key=lambda x: (x.incurred_at, x.id), reverse=True)
        job.reviews.sort(key=lambda x: (x.created_at, x.id), reverse=True)
    for items in (view.appliances, view.reviews, view.customer_technician_ratings):
        items.sort(key=lambda x: (x.created_at, x.id), reverse=True)
    view.follow_ups.sort(key=lambda x: (x.created_at, x.id), reverse=True)
    view.referrals.sort(key=lambda x: x.id, reverse=True)
    # The two to-do lists: the most pressing first (soonest due; longest waiting).
    view.maintenance_alerts.sort(key=lambda x: (x.due_date, x.id))
    view.call_tasks.sort(key=lambda x: (x.created_at, x.id))


class SqlCustomerViewQuery:
    """Builds the view with exactly one SELECT (prepared once per engine)."""

    def __init__(self, engine: AsyncEngine, default_currency: str = "USD") -> None:
        self._engine = engine
        self._default_currency = default_currency
        self._query: Select[Any] = customer_view_select(JsonSql(engine.dialect.name))
        self._document = DriverStatement(
            engine,
            customer_view_select(JsonSql(engine.dialect.name, wire=True)),
            ("customer_id", "cap"),
        )

    async def customer_view(
        self, customer_id: int, cap: int, uow: UnitOfWork | None = None
    ) -> CustomerView | None:
        async with read_connection(self._engine, uow) as conn:
            row = (
                await conn.execute(self._query, {"customer_id": customer_id, "cap": cap})
            ).first()
        if row is None:
            return None
        return self._assemble(row, customer_id, cap)

    async def customer_view_document(
        self, customer_id: int, cap: int
    ) -> CustomerViewDocument | None:
        row = await self._document.first_row(customer_id=customer_id, cap=cap)
        if row is None:
            return None
        financials = customer_financials_from(row, customer_id, self._default_currency)
        return CustomerViewDocument(json=row.view.encode(), financial_summary=financials)

    def _assemble(self, row: Any, customer_id: int, cap: int) -> CustomerView:
        """The view decoded from the row (`cap` is already applied by the SQL)."""
        view = VIEW.decode(row.view)
        _newest_first(view)
        view.financial_summary = customer_financials_from(row, customer_id, self._default_currency)
        return view
