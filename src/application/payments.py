"""Payment use cases: record, read, revise, list, delete."""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import ValidationFailed
from domain.payment import Payment, PaymentDetails


async def _check_references(uow: UnitOfWork, details: PaymentDetails) -> None:
    await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.job_id is not None:
        job = await require(uow.jobs, "job", details.job_id, "job_id")
        if job.details.customer_id != details.customer_id:
            raise ValidationFailed.single("job_id", "the job belongs to another customer")


async def create_payment(uow: UnitOfWork, clock: Clock, details: PaymentDetails) -> Payment:
    """Record a payment from a customer, optionally for one of their jobs."""
    payment = Payment.record(details, clock.now())
    async with uow:
        await _check_references(uow, payment.details)
        payment = await uow.payments.add(payment)
        await uow.commit()
    return payment


async def get_payment(uow: UnitOfWork, payment_id: int) -> Payment:
    """One payment, or NotFound."""
    async with uow:
        return await require(uow.payments, "payment", payment_id)


async def update_payment(uow: UnitOfWork, payment_id: int, details: PaymentDetails) -> Payment:
    """Correct a recorded payment."""
    async with uow:
        payment = await require(uow.payments, "payment", payment_id)
        payment.revise(details)
        await _check_references(uow, payment.details)
        await uow.payments.update(payment)
        await uow.commit()
    return payment


async def list_payments(uow: UnitOfWork, query: ListQuery) -> Page[Payment]:
    """A page of payments, filterable by customer and job."""
    async with uow:
        return await uow.payments.list(query)


async def delete_payment(uow: UnitOfWork, payment_id: int) -> None:
    """Delete a payment recorded in error."""
    async with uow:
        await remove(uow.payments, "payment", payment_id)
        await uow.commit()
