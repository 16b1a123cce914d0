"""Customer View and financials use cases (read side)."""

from __future__ import annotations

from msgspec import structs

from application.access import (
    Actor,
    Permission,
    authorize,
    authorize_read,
    limited_to_own_work,
    require_customer_visible,
    require_job_visible,
)
from application.lookups import require
from application.ports.read_queries import CustomerViewQuery, FinancialsQuery
from application.ports.unit_of_work import UnitOfWork
from application.read_models.customer_view import (
    CollectionInfo,
    CustomerView,
    CustomerViewDocument,
)
from application.read_models.financials import CustomerFinancials, JobFinancials
from domain.errors import NotFound, ValidationFailed

MAX_COLLECTION_CAP = 1000


async def view_customer(
    actor: Actor, uow: UnitOfWork, query: CustomerViewQuery, customer_id: int, cap: int
) -> CustomerView:
    """Everything about one customer; each collection newest first, at most `cap` items.

    Staff see it all in one statement. A technician sees it only for a customer one of their
    jobs is for, and only their part of it (see `technician_slice`).
    """
    authorize_read(actor)
    technician = limited_to_own_work(actor)
    async with uow.read_only():
        if technician:
            await require_customer_visible(uow, actor, customer_id)
        view = await load_customer_view(query, customer_id, cap, uow)
    return technician_slice(view, actor.technician_id) if technician else view


async def view_customer_for_screen(
    actor: Actor, uow: UnitOfWork, query: CustomerViewQuery, customer_id: int, cap: int
) -> CustomerView | CustomerViewDocument:
    """The Customer View as the screen asks for it (GET /customers/{id}): staff get the
    whole view as the document the database builds, in one statement and no unit of work;
    a technician gets their part of it, as `view_customer` gives it."""
    authorize_read(actor)
    if limited_to_own_work(actor):
        return await view_customer(actor, uow, query, customer_id, cap)
    _check_cap(cap)
    document = await query.customer_view_document(customer_id, cap)
    if document is None:
        raise NotFound("customer", customer_id)
    return document


def _check_cap(cap: int) -> None:
    if not 1 <= cap <= MAX_COLLECTION_CAP:
        raise ValidationFailed.single("cap", f"must be between 1 and {MAX_COLLECTION_CAP}")


async def load_customer_view(
    query: CustomerViewQuery, customer_id: int, cap: int, uow: UnitOfWork | None = None
) -> CustomerView:
    """The whole view, for use cases that have already applied the access policy
    (the LLM insights ground their prompts in it); on `uow`'s connection when given."""
    _check_cap(cap)
    view = await query.customer_view(customer_id, cap, uow)
    if view is None:
        raise NotFound("customer", customer_id)
    return view


def technician_slice(view: CustomerView, technician_id: int | None) -> CustomerView:
    """What a technician sees of a customer: who and where they are, how to reach them,
    their appliances and those appliances' open maintenance alerts, and the technician's
    own jobs with those jobs' follow-ups and expenses — no payments, financials, reviews,
    ratings, referrals or the office's call list."""
    jobs = [job for job in view.jobs if job.technician_id == technician_id]
    own = {job.id for job in jobs}
    follow_ups = [item for item in view.follow_ups if item.job_id in own]
    expenses = [item for item in view.expenses if item.job_id in own]
    jobs = [structs.replace(job, reviews=[]) for job in jobs]

    def info(name: str, kept: int) -> CollectionInfo:
        # Cut by the cap before filtering: the technician's part may be incomplete too.
        was = view.collections.get(name)
        return CollectionInfo(total=kept, returned=kept, truncated=bool(was and was.truncated))

    kept = {"jobs": len(jobs), "followUps": len(follow_ups), "expenses": len(expenses)}
    collections = {name: info(name, kept.get(name, 0)) for name in view.collections}
    for shared in ("appliances", "maintenanceAlerts"):
        collections[shared] = view.collections[shared]
    return structs.replace(
        view,
        jobs=jobs,
        follow_ups=follow_ups,
        expenses=expenses,
        payments=[],
        reviews=[],
        referrals=[],
        customer_technician_ratings=[],
        call_tasks=[],
        referred_by=None,
        financial_summary=None,
        collections=collections,
    )


async def customer_financials(
    actor: Actor, uow: UnitOfWork, query: FinancialsQuery, customer_id: int
) -> CustomerFinancials:
    """A customer's revenue, expenses and net, with breakdowns by payment method and job."""
    async with uow.read_only():
        if limited_to_own_work(actor):
            await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.READ_MONEY)
        found = await query.customer_financials(customer_id, uow)
    if found is None:
        raise NotFound("customer", customer_id)
    return found


async def job_financials(
    actor: Actor, uow: UnitOfWork, query: FinancialsQuery, job_id: int
) -> JobFinancials:
    """A job's payments minus its expenses."""
    async with uow.read_only():
        if limited_to_own_work(actor):
            require_job_visible(actor, await require(uow.jobs, "job", job_id))
        authorize(actor, Permission.READ_MONEY)
        found = await query.job_financials(job_id, uow)
    if found is None:
        raise NotFound("job", job_id)
    return found
