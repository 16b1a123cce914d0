"""Shop histories for the engagement tests, written through the real use cases so they run
on the fakes (unit tests) and on SQLite / PostgreSQL (integration tests) alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from application import appliances, customers, follow_ups, jobs, reviews, technicians
from application import technician_ratings as ratings
from application.access import SYSTEM
from application.consent import record_marketing_flag
from application.ports.unit_of_work import UnitOfWork
from domain.appliance import ApplianceDetails
from domain.attention import AttentionReason
from domain.customer import CustomerDetails
from domain.job import JobDetails
from domain.messaging.message import MessageStatus, Purpose, compose
from domain.technician import TechnicianDetails
from tests.fakes import FakeClock

R = AttentionReason


class Shop:
    """Writes a history at chosen instants (the clock is moved there and back)."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: FakeClock) -> None:
        self.uow = uow
        self.clock = clock
        self._tech: int | None = None
        self._n = 0

    @contextmanager
    def at(self, instant: datetime | None) -> Iterator[None]:
        now = self.clock.now()
        if instant is not None:
            self.clock.set(instant)
        try:
            yield
        finally:
            self.clock.set(now)

    async def technician(self) -> int:
        if self._tech is None:
            details = TechnicianDetails("Tom Tech", "+14155550199", None, ("hvac",))
            tech = await technicians.create_technician(SYSTEM, self.uow(), self.clock, details)
            assert tech.id is not None
            self._tech = tech.id
        return self._tech

    async def customer(self, at: datetime | None = None, **changes: Any) -> int:
        self._n += 1
        fields: dict[str, Any] = {
            "name": f"Customer {self._n}",
            "phone": f"+1415555{self._n:04d}",
            "email": f"c{self._n}@example.com",
            "time_zone": "UTC",
        }
        with self.at(at):
            c = await customers.create_customer(
                SYSTEM, self.uow(), self.clock, CustomerDetails(**(fields | changes))
            )
        assert c.id is not None
        return c.id

    async def consent_to_marketing(self, customer_id: int) -> None:
        async with self.uow() as uow:
            customer = await uow.customers.get(customer_id)
            assert customer is not None
            await record_marketing_flag(uow, SYSTEM, self.clock, customer, True, "web form")
            await uow.customers.update(customer)
            await uow.commit()

    async def job(
        self,
        customer_id: int,
        scheduled_for: datetime,
        completed_at: datetime | None = None,
        appliance_id: int | None = None,
    ) -> int:
        """A job created and scheduled at `scheduled_for`, completed at `completed_at`."""
        details = JobDetails(
            customer_id,
            "Fridge not cooling",
            scheduled_for,
            technician_id=await self.technician(),
            appliance="Refrigerator",
            appliance_id=appliance_id,
        )
        with self.at(scheduled_for):
            job = await jobs.create_job(SYSTEM, self.uow(), self.clock, details)
        assert job.id is not None
        if completed_at is not None:
            with self.at(completed_at):
                await jobs.start_job(SYSTEM, self.uow(), self.clock, job.id)
                await jobs.complete_job(SYSTEM, self.uow(), self.clock, job.id)
        return job.id

    async def review(self, job_id: int, customer_id: int, rating: int, at: datetime) -> None:
        with self.at(at):
            await reviews.create_review(
                SYSTEM, self.uow(), self.clock, job_id, customer_id, None, rating, "meh"
            )

    async def rate_technician(
        self, job_id: int, customer_id: int, rating: int, at: datetime
    ) -> None:
        with self.at(at):
            tech = await self.technician()
            await ratings.rate_technician(
                SYSTEM, self.uow(), self.clock, customer_id, tech, job_id, rating
            )

    async def feedback(self, job_id: int, satisfaction: int, at: datetime) -> None:
        with self.at(at):
            new = follow_ups.NewFollowUp(job_id, satisfaction_rating=satisfaction, feedback="bad")
            await follow_ups.create_follow_up(SYSTEM, self.uow(), self.clock, new)

    async def sent_message(self, customer_id: int, at: datetime, key: str) -> None:
        async with self.uow() as uow:
            customer = await uow.customers.get(customer_id)
            assert customer is not None
            message = compose(customer, Purpose.MARKETING, "Hello", key, at, at)
            message.status, message.sent_at = MessageStatus.SENT, at
            await uow.messages.add(message)
            await uow.commit()

    async def appliance(
        self,
        customer_id: int,
        type: str = "refrigerator",
        installed_on: date | None = None,
        at: datetime | None = None,
    ) -> int:
        details = ApplianceDetails(customer_id, type, "Bosch", installed_on=installed_on)
        with self.at(at):
            a = await appliances.create_appliance(SYSTEM, self.uow(), self.clock, details)
        assert a.id is not None
        return a.id


@dataclass(frozen=True, slots=True)
class Expected:
    job_id: int
    reasons: tuple[AttentionReason, ...]


async def attention_history(shop: Shop, now: datetime) -> dict[int, Expected]:
    """Customers who need attention at `now` (by id: their job and reasons), among others
    who do not. Every rule's edge is on both sides."""
    day = timedelta(days=1)
    old = now - 400 * day
    expected: dict[int, Expected] = {}

    c = await shop.customer(at=old)  # completed 1 day ago
    j = await shop.job(c, now - 2 * day, completed_at=now - day)
    expected[c] = Expected(j, (R.RECENT_COMPLETION,))

    c = await shop.customer(at=old)  # completed 4 days ago: not recent, nothing else
    await shop.job(c, now - 5 * day, completed_at=now - 4 * day)

    c = await shop.customer(at=old)  # review of 2, five days ago
    j = await shop.job(c, now - 12 * day, completed_at=now - 10 * day)
    await shop.review(j, c, 2, now - 5 * day)
    expected[c] = Expected(j, (R.LOW_RATING,))

    c = await shop.customer(at=old)  # technician rated 1, and a newer completed job
    j = await shop.job(c, now - 12 * day, completed_at=now - 10 * day)
    await shop.rate_technician(j, c, 1, now - 9 * day)
    newer = await shop.job(c, now - 2 * day, completed_at=now - 2 * day)
    assert newer != j
    expected[c] = Expected(j, (R.LOW_RATING, R.RECENT_COMPLETION))

    c = await shop.customer(at=old)  # negative feedback on a follow-up
    j = await shop.job(c, now - 12 * day, completed_at=now - 10 * day)
    await shop.feedback(j, 2, now - 6 * day)
    expected[c] = Expected(j, (R.NEGATIVE_FEEDBACK,))

    c = await shop.customer(at=old)  # ratings of 3 and a review of 5: fine
    j = await shop.job(c, now - 12 * day, completed_at=now - 10 * day)
    await shop.review(j, c, 5, now - 5 * day)
    await shop.rate_technician(j, c, 3, now - 5 * day)
    await shop.feedback(j, 3, now - 5 * day)

    c = await shop.customer(at=old)  # a low review, but 31 days ago
    j = await shop.job(c, now - 40 * day, completed_at=now - 40 * day)
    await shop.review(j, c, 1, now - 31 * day)

    c = await shop.customer(at=old)  # silent for 200 days: its latest job
    await shop.job(c, now - 300 * day, completed_at=now - 300 * day)
    j = await shop.job(c, now - 200 * day, completed_at=now - 200 * day)
    expected[c] = Expected(j, (R.LONG_SILENCE,))

    c = await shop.customer(at=old)  # silent for 200 days, but sent a message 10 days ago
    await shop.job(c, now - 200 * day, completed_at=now - 200 * day)
    await shop.sent_message(c, now - 10 * day, f"hello:{c}")

    c = await shop.customer(at=old)  # last job 170 days ago: not silent yet
    await shop.job(c, now - 170 * day, completed_at=now - 170 * day)

    c = await shop.customer(at=old)  # old job, but another one scheduled for next week
    await shop.job(c, now - 300 * day, completed_at=now - 300 * day)
    await shop.job(c, now + 7 * day)

    await shop.customer(at=old)  # no history at all
    return expected
