"""Query ports of the read side: screens read through these, bypassing the aggregates."""

from __future__ import annotations

from typing import Protocol

from application.read_models.customer_view import CustomerView
from application.read_models.financials import CustomerFinancials, JobFinancials


class CustomerViewQuery(Protocol):
    """Builds the whole Customer View in a fixed, small number of statements."""

    async def customer_view(self, customer_id: int, cap: int) -> CustomerView | None: ...


class FinancialsQuery(Protocol):
    """Sums payments and expenses in the database."""

    async def customer_financials(self, customer_id: int) -> CustomerFinancials | None: ...

    async def job_financials(self, job_id: int) -> JobFinancials | None: ...
