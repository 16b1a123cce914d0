"""GET /customers/{id}/financials and GET /jobs/{id}/financials: sums computed in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import get

from application.customer_reads import customer_financials, job_financials
from application.read_models.financials import CustomerFinancials, JobFinancials
from entrypoints.http.deps import ActorDep, FinancialsDep, PathId, Uow
from entrypoints.http.wire_twins import to_wire, wire_type

if TYPE_CHECKING:  # the camelCase twins have the same fields
    CustomerFinancialsOut = CustomerFinancials
    JobFinancialsOut = JobFinancials
else:
    CustomerFinancialsOut = wire_type(CustomerFinancials)
    JobFinancialsOut = wire_type(JobFinancials)


@get(
    "/customers/{customer_id:int}/financials",
    operation_id="getCustomerFinancials",
    tags=["financials"],
)
async def customer_financials_handler(
    customer_id: PathId, actor: ActorDep, uow: Uow, financials_query: FinancialsDep
) -> CustomerFinancialsOut:
    """All the customer's payments minus every related expense (direct or job-related, once)."""
    return to_wire(await customer_financials(actor, uow, financials_query, customer_id))


@get("/jobs/{job_id:int}/financials", operation_id="getJobFinancials", tags=["financials"])
async def job_financials_handler(
    job_id: PathId, actor: ActorDep, uow: Uow, financials_query: FinancialsDep
) -> JobFinancialsOut:
    """The job's payments minus the job's expenses."""
    return to_wire(await job_financials(actor, uow, financials_query, job_id))
