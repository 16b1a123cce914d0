"""Review and technician-rating use cases with fakes."""

from __future__ import annotations

from typing import Any

import pytest

from application import jobs
from application import reviews as uc
from application import technician_ratings as ratings
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import Conflict, NotFound, ValidationFailed
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import a_completed_job, a_customer, a_job, a_technician


@pytest.fixture
async def parties(db: FakeDatabase, clock: FakeClock) -> dict[str, int]:
    """A customer, a technician and a completed job of theirs; another customer and tech."""
    customer = await a_customer(db, clock)
    technician = await a_technician(db, clock)
    job = await a_completed_job(db, clock, customer, technician_id=technician)
    other_customer = await a_customer(db, clock, name="Bob")
    other_technician = await a_technician(db, clock, name="Tina")
    return {
        "customer": customer,
        "technician": technician,
        "job": job,
        "other_customer": other_customer,
        "other_technician": other_technician,
    }


async def review(db: FakeDatabase, clock: FakeClock, p: dict[str, int], **changes: Any) -> Any:
    args: dict[str, Any] = {
        "job_id": p["job"],
        "customer_id": p["customer"],
        "technician_id": None,
        "rating": 5,
        "comment": "  Quick and tidy  ",
    }
    return await uc.create_review(SYSTEM, db.uow(), clock, **(args | changes))


async def test_a_completed_job_is_reviewed_once(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int]
) -> None:
    created = await review(db, clock, parties)
    assert created.id == 1
    assert (created.job_id, created.customer_id, created.technician_id) == (
        parties["job"],
        parties["customer"],
        parties["technician"],
    )
    assert (created.rating, created.comment, created.created_at) == (
        5,
        "Quick and tidy",
        clock.now(),
    )
    with pytest.raises(Conflict, match="already been reviewed"):
        await review(db, clock, parties, technician_id=parties["technician"], rating=1)
    assert db.rows("reviews") == [created]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"rating": 0}, ValidationFailed, "rating"),
        ({"rating": 6}, ValidationFailed, "rating"),
        ({"comment": "x" * 5001}, ValidationFailed, "comment"),
        ({"customer_id": "other_customer"}, ValidationFailed, "customer_id"),
        ({"technician_id": "other_technician"}, ValidationFailed, "technician_id"),
        ({"technician_id": 999}, ValidationFailed, "technician_id"),
        ({"job_id": 999}, NotFound, "job_id"),
    ],
)
async def test_bad_reviews_store_nothing(
    db: FakeDatabase,
    clock: FakeClock,
    parties: dict[str, int],
    changes: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    resolved = {k: parties.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = db.snapshot()
    with pytest.raises(error) as refused:
        await review(db, clock, parties, **resolved)
    if isinstance(refused.value, NotFound):
        assert refused.value.field == field
    else:
        assert isinstance(refused.value, ValidationFailed)
        assert list(refused.value.errors) == [field]
    assert db.snapshot() == before


@pytest.mark.parametrize("steps", [[], ["start"], ["cancel"]])
async def test_only_a_completed_job_is_reviewed(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int], steps: list[str]
) -> None:
    job_id = await a_job(db, clock, parties["customer"], technician_id=parties["technician"])
    for step in steps:
        await getattr(jobs, f"{step}_job")(SYSTEM, db.uow(), clock, job_id)
    with pytest.raises(Conflict, match="only a completed job"):
        await review(db, clock, parties, job_id=job_id)
    assert db.rows("reviews") == []


async def test_a_job_without_technician_cannot_be_reviewed(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int]
) -> None:
    job_id = await a_completed_job(db, clock, parties["customer"])
    with pytest.raises(ValidationFailed) as refused:
        await review(db, clock, parties, job_id=job_id)
    assert list(refused.value.errors) == ["job_id"]


async def test_list_filters_by_job_customer_and_technician(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int]
) -> None:
    first = await review(db, clock, parties)
    other_job = await a_completed_job(
        db, clock, parties["other_customer"], technician_id=parties["other_technician"]
    )
    second = await review(
        db, clock, parties, job_id=other_job, customer_id=parties["other_customer"]
    )

    async def ids(**filters: int) -> list[int | None]:
        page = await uc.list_reviews(SYSTEM, db.uow(), ListQuery().with_filters(**filters))
        assert page.total == len(page.items)
        return [r.id for r in page.items]

    assert await ids() == [second.id, first.id]
    assert await ids(job_id=parties["job"]) == [first.id]
    assert await ids(customer_id=parties["other_customer"]) == [second.id]
    assert await ids(technician_id=parties["technician"]) == [first.id]
    assert (
        await ids(technician_id=parties["technician"], customer_id=parties["other_customer"]) == []
    )


# Technician ratings


async def rate(db: FakeDatabase, clock: FakeClock, p: dict[str, int], **changes: Any) -> Any:
    args: dict[str, Any] = {
        "customer_id": p["customer"],
        "technician_id": p["technician"],
        "job_id": p["job"],
        "rating": 4,
    }
    return await ratings.rate_technician(SYSTEM, db.uow(), clock, **(args | changes))


async def test_a_customer_rates_the_technician_of_their_job_once(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int]
) -> None:
    rated = await rate(db, clock, parties)
    assert (rated.id, rated.rating, rated.created_at) == (1, 4, clock.now())
    assert (rated.customer_id, rated.technician_id, rated.job_id) == (
        parties["customer"],
        parties["technician"],
        parties["job"],
    )
    with pytest.raises(Conflict, match="already been rated"):
        await rate(db, clock, parties, rating=2)
    assert db.rows("technician_ratings") == [rated]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"rating": 0}, ValidationFailed, "rating"),
        ({"rating": 6}, ValidationFailed, "rating"),
        ({"technician_id": "other_technician"}, ValidationFailed, "technician_id"),
        ({"technician_id": 999}, ValidationFailed, "technician_id"),
        ({"customer_id": "other_customer"}, ValidationFailed, "job_id"),
        ({"job_id": 999}, NotFound, "job_id"),
        ({"customer_id": 999}, NotFound, None),
    ],
)
async def test_bad_ratings_store_nothing(
    db: FakeDatabase,
    clock: FakeClock,
    parties: dict[str, int],
    changes: dict[str, Any],
    error: type[Exception],
    field: str | None,
) -> None:
    resolved = {k: parties.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = db.snapshot()
    with pytest.raises(error) as refused:
        await rate(db, clock, parties, **resolved)
    if isinstance(refused.value, NotFound):
        assert refused.value.field == field
    else:
        assert isinstance(refused.value, ValidationFailed)
        assert list(refused.value.errors) == [field]
    assert db.snapshot() == before


async def test_list_a_customers_ratings_newest_first(
    db: FakeDatabase, clock: FakeClock, parties: dict[str, int]
) -> None:
    first = await rate(db, clock, parties)
    job = await a_job(db, clock, parties["customer"], technician_id=parties["other_technician"])
    second = await rate(db, clock, parties, job_id=job, technician_id=parties["other_technician"])
    other_job = await a_job(
        db, clock, parties["other_customer"], technician_id=parties["technician"]
    )
    await rate(db, clock, parties, customer_id=parties["other_customer"], job_id=other_job)
    page = await ratings.list_technician_ratings(SYSTEM, db.uow(), parties["customer"], ListQuery())
    assert [r.id for r in page.items] == [second.id, first.id] and page.total == 2
    empty = await ratings.list_technician_ratings(
        SYSTEM, db.uow(), parties["customer"], ListQuery(offset=2)
    )
    assert (empty.items, empty.total) == ([], 2)
    with pytest.raises(NotFound):
        await ratings.list_technician_ratings(SYSTEM, db.uow(), 999, ListQuery())
