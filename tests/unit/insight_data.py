"""Records for the insight use-case tests, stored straight into a FakeDatabase."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from application import customers
from application.access import SYSTEM
from domain.contact_preferences import ContactPreferences
from domain.follow_up import FollowUp, FollowUpStatus
from domain.review import Review, TechnicianRating
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_completed_job, a_technician

T = TypeVar("T")


async def store(db: FakeDatabase, table: str, entity: T) -> T:
    """Add one entity through a committed fake unit of work."""
    async with db.uow() as uow:
        added: T = await getattr(uow, table).add(entity)
        await uow.commit()
    return added


async def set_preferences(db: FakeDatabase, customer_id: int, **fields: Any) -> None:
    await customers.set_communication_preferences(
        SYSTEM, db.uow(), FakeClock(), customer_id, ContactPreferences(**fields)
    )


async def a_reviewed_job(
    db: FakeDatabase,
    clock: FakeClock,
    customer_id: int,
    rating: int,
    comment: str | None = None,
    technician_id: int | None = None,
    **job: Any,
) -> tuple[int, int]:
    """A completed job with a technician and a review; (job id, review id)."""
    if technician_id is None:
        technician_id = await a_technician(db, clock)
    job_id = await a_completed_job(db, clock, customer_id, technician_id=technician_id, **job)
    review = await store(
        db,
        "reviews",
        Review(job_id, customer_id, technician_id, rating, clock.now(), comment),
    )
    assert review.id is not None
    return job_id, review.id


async def a_rating(
    db: FakeDatabase,
    clock: FakeClock,
    customer_id: int,
    technician_id: int,
    job_id: int,
    rating: int,
) -> int:
    stored = await store(
        db,
        "technician_ratings",
        TechnicianRating(customer_id, technician_id, job_id, rating, clock.now()),
    )
    assert stored.id is not None
    return stored.id


async def a_follow_up(
    db: FakeDatabase,
    clock: FakeClock,
    customer_id: int,
    job_id: int,
    status: FollowUpStatus = FollowUpStatus.PENDING,
    rating: int | None = None,
    feedback: str | None = None,
    follow_up_date: datetime | None = None,
) -> int:
    follow_up = FollowUp(
        job_id,
        customer_id,
        clock.now(),
        status=status,
        follow_up_date=follow_up_date,
        satisfaction_rating=rating,
        feedback=feedback,
    )
    stored = await store(db, "follow_ups", follow_up)
    assert stored.id is not None
    return stored.id
