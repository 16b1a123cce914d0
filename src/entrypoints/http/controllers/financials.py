"""GET /customers/{id}/financials and GET /jobs/{id}/financials: sums computed in SQL."""

from __future__ import annotations

from litestar import get

from application.customer_view import customer_financials, job_financials
from application.read_models.financials import CustomerFinancials, JobFinancials
from entrypoints.http.deps import ActorDep, FinancialsDep, PathId, Uow


@get(
    "/customers/{customer_id:int}/financials",
    operation_id="getCustomerFinancials",
    tags=["financials"],
)
async def customer_financials_handler(
    customer_id: PathId, actor: ActorDep, uow: Uow, financials_query: FinancialsDep
) -> CustomerFinancials:
    """All the customer's payments minus every related expense (direct or job-related, once)."""
    return await customer_financials(actor, uow, financials_query, customer_id)


@get("/jobs/{job_id:int}/financials", operation_id="getJobFinancials", tags=["financials"])
async def job_financials_handler(
    job_id: PathId, actor: ActorDep, uow: Uow, financials_query: FinancialsDep
) -> JobFinancials:
    """The job's payments minus the job's expenses."""
    return await job_financials(actor, uow, financials_query, job_id)
