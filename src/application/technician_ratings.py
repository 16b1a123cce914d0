"""Technician ratings: a customer rates the technician of one of their jobs, once per job."""

from __future__ import annotations

from application.access import Actor, Permission, authorize, require_customer_visible
from application.lookups import refuse_if_any, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import ValidationFailed
from domain.review import TechnicianRating


async def rate_technician(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    customer_id: int,
    technician_id: int,
    job_id: int,
    rating: int,
) -> TechnicianRating:
    """Record how the customer rated the technician of one of the customer's jobs.

    The customer comes from the path (NotFound without a field, a 404); the job and the
    technician from the body, so their errors name those fields.
    """
    async with uow:
        await require(uow.customers, "customer", customer_id)
        await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        job = await require(uow.jobs, "job", job_id, "job_id")
        if job.details.customer_id != customer_id:
            raise ValidationFailed.single("job_id", "is not a job of this customer")
        rated = TechnicianRating.of_job(job, customer_id, technician_id, rating, clock.now())
        message = f"the technician of job {job_id} has already been rated"
        await refuse_if_any(uow.technician_ratings, message, job_id=job_id)
        rated = await uow.technician_ratings.add(rated)
        await uow.commit()
    return rated


async def list_technician_ratings(
    actor: Actor, uow: UnitOfWork, customer_id: int, query: ListQuery
) -> Page[TechnicianRating]:
    """A page of the customer's technician ratings, newest first (NotFound for no customer)."""
    async with uow.read_only():
        await require(uow.customers, "customer", customer_id)
        await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.READ_BUSINESS)
        return await uow.technician_ratings.list(query.with_filters(customer_id=customer_id))
