"""Query ports of the read side: screens read through these, bypassing the aggregates."""

from __future__ import annotations

from typing import Protocol

from application.ports.unit_of_work import UnitOfWork
from application.read_models.customer_view import CustomerView, CustomerViewDocument
from application.read_models.financials import CustomerFinancials, JobFinancials


class CustomerViewQuery(Protocol):
    """Builds the whole Customer View in a fixed, small number of statements; on the
    connection of `uow` when given (an open unit of work), else on a connection of its own."""

    async def customer_view(
        self, customer_id: int, cap: int, uow: UnitOfWork | None = None
    ) -> CustomerView | None: ...

    async def customer_view_document(
        self, customer_id: int, cap: int
    ) -> CustomerViewDocument | None:
        """The whole view as the document clients get (see `CustomerViewDocument`), in one
        statement outside any unit of work."""
        ...


class FinancialsQuery(Protocol):
    """Sums payments and expenses in the database (on `uow`'s connection when given)."""

    async def customer_financials(
        self, customer_id: int, uow: UnitOfWork | None = None
    ) -> CustomerFinancials | None: ...

    async def job_financials(
        self, job_id: int, uow: UnitOfWork | None = None
    ) -> JobFinancials | None: ...
