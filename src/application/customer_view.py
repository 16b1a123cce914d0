"""Customer View and financials use cases (read side)."""

from __future__ import annotations

from application.ports.read_queries import CustomerViewQuery, FinancialsQuery
from application.read_models.customer_view import CustomerView
from application.read_models.financials import CustomerFinancials, JobFinancials
from domain.errors import NotFound, ValidationFailed

MAX_COLLECTION_CAP = 1000


async def view_customer(query: CustomerViewQuery, customer_id: int, cap: int) -> CustomerView:
    """Everything about one customer; each collection newest first, at most `cap` items."""
    if not 1 <= cap <= MAX_COLLECTION_CAP:
        raise ValidationFailed.single("cap", f"must be between 1 and {MAX_COLLECTION_CAP}")
    view = await query.customer_view(customer_id, cap)
    if view is None:
        raise NotFound("customer", customer_id)
    return view


async def customer_financials(query: FinancialsQuery, customer_id: int) -> CustomerFinancials:
    """A customer's revenue, expenses and net, with breakdowns by payment method and job."""
    found = await query.customer_financials(customer_id)
    if found is None:
        raise NotFound("customer", customer_id)
    return found


async def job_financials(query: FinancialsQuery, job_id: int) -> JobFinancials:
    """A job's payments minus its expenses."""
    found = await query.job_financials(job_id)
    if found is None:
        raise NotFound("job", job_id)
    return found
