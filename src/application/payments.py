"""Payment use cases: record, read, revise, list, delete.

Payments are money: staff only (a technician gets PermissionDenied for every use case).
Every change is written to the audit trail in its own transaction.
"""

from __future__ import annotations

from application import audit
from application.access import Actor, Permission, authorize
from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity, diff
from domain.audit_fields import payment_fields
from domain.errors import ValidationFailed
from domain.payment import Payment, PaymentDetails

ENTITY = AuditedEntity.PAYMENT


async def _check_references(uow: UnitOfWork, details: PaymentDetails) -> None:
    await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.job_id is not None:
        job = await require(uow.jobs, "job", details.job_id, "job_id")
        if job.details.customer_id != details.customer_id:
            raise ValidationFailed.single("job_id", "the job belongs to another customer")


async def create_payment(
    actor: Actor, uow: UnitOfWork, clock: Clock, details: PaymentDetails
) -> Payment:
    """Record a payment from a customer, optionally for one of their jobs."""
    authorize(actor, Permission.WRITE_BUSINESS)
    now = clock.now()
    payment = Payment.record(details, now)
    async with uow:
        await _check_references(uow, payment.details)
        payment = await uow.payments.add(payment)
        assert payment.id is not None
        changes = diff(None, payment_fields(payment))
        await audit.record(
            uow,
            actor,
            now,
            AuditAction.CREATE,
            ENTITY,
            payment.id,
            payment.details.customer_id,
            changes,
        )
        await uow.commit()
    return payment


async def get_payment(actor: Actor, uow: UnitOfWork, payment_id: int) -> Payment:
    """One payment, or NotFound."""
    authorize(actor, Permission.READ_MONEY)
    async with uow:
        return await require(uow.payments, ENTITY, payment_id)


async def update_payment(
    actor: Actor, uow: UnitOfWork, clock: Clock, payment_id: int, details: PaymentDetails
) -> Payment:
    """Correct a recorded payment."""
    authorize(actor, Permission.WRITE_BUSINESS)
    async with uow:
        payment = await require(uow.payments, ENTITY, payment_id)
        before = payment_fields(payment)
        payment.revise(details)
        await _check_references(uow, payment.details)
        await uow.payments.update(payment)
        changes = diff(before, payment_fields(payment))
        await audit.record(
            uow,
            actor,
            clock.now(),
            AuditAction.UPDATE,
            ENTITY,
            payment_id,
            payment.details.customer_id,
            changes,
        )
        await uow.commit()
    return payment


async def list_payments(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Payment]:
    """A page of payments, filterable by customer and job."""
    authorize(actor, Permission.READ_MONEY)
    async with uow:
        return await uow.payments.list(query)


async def delete_payment(actor: Actor, uow: UnitOfWork, clock: Clock, payment_id: int) -> None:
    """Delete a payment recorded in error."""
    authorize(actor, Permission.WRITE_BUSINESS)
    async with uow:
        payment = await require(uow.payments, ENTITY, payment_id)
        await remove(uow.payments, ENTITY, payment_id)
        changes = diff(payment_fields(payment), None)
        await audit.record(
            uow,
            actor,
            clock.now(),
            AuditAction.DELETE,
            ENTITY,
            payment_id,
            payment.details.customer_id,
            changes,
        )
        await uow.commit()
