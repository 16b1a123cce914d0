"""Review use cases: a customer reviews one completed job; reviews are listed by filter."""

from __future__ import annotations

from application.access import Actor, Permission, authorize
from application.lookups import refuse_if_any, require
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.review import Review


async def create_review(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    job_id: int,
    customer_id: int,
    technician_id: int | None,
    rating: int,
    comment: str | None,
) -> Review:
    """Review a completed job, by its customer, about its technician; one review per job.

    `technician_id` may be left out: the job's technician is reviewed.
    """
    authorize(actor, Permission.WRITE_BUSINESS)
    async with uow:
        job = await require(uow.jobs, "job", job_id, "job_id")
        review = Review.of_job(job, customer_id, technician_id, rating, comment, clock.now())
        await refuse_if_any(uow.reviews, f"job {job_id} has already been reviewed", job_id=job_id)
        review = await uow.reviews.add(review)
        await uow.commit()
    return review


REVIEWS: ResourceSpec[Review, None] = ResourceSpec(
    name="review",
    sortable=("id", "created_at", "rating"),
    repository=lambda uow: uow.reviews,
    access=Access(read=Permission.READ_BUSINESS),
    filters=frozenset({"job_id", "customer_id", "technician_id"}),
)
list_reviews = Crud(REVIEWS).list
