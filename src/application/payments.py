"""Payment use cases: record, read, revise, list, delete.

Payments are money: staff only (a technician gets PermissionDenied for every use case).
Every change is written to the audit trail in its own transaction.
"""

from __future__ import annotations

from application.access import Actor, Permission
from application.lookups import require
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, AuditTrail, Crud, ResourceSpec, named_customer
from domain.audit import AuditedEntity
from domain.audit_fields import payment_fields
from domain.errors import ValidationFailed
from domain.payment import Payment, PaymentDetails


async def _check_references(uow: UnitOfWork, actor: Actor, payment: Payment) -> None:
    """The customer exists; the job, when given, exists and is that customer's."""
    details = payment.details
    await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.job_id is not None:
        job = await require(uow.jobs, "job", details.job_id, "job_id")
        if job.details.customer_id != details.customer_id:
            raise ValidationFailed.single("job_id", "the job belongs to another customer")


PAYMENTS: ResourceSpec[Payment, PaymentDetails] = ResourceSpec(
    name=AuditedEntity.PAYMENT,
    sortable=("id", "created_at", "paid_at", "payment_method"),
    repository=lambda uow: uow.payments,
    access=Access(read=Permission.READ_MONEY),
    filters=frozenset({"customer_id", "job_id"}),
    new=Payment.record,
    revise=lambda payment, details, _: payment.revise(details),
    check=_check_references,
    audit=AuditTrail(
        AuditedEntity.PAYMENT,
        payment_fields,
        named_customer(lambda payment: payment.details.customer_id),
    ),
)
payments = Crud(PAYMENTS)

create_payment = payments.create
"""Record a payment from a customer, optionally for one of their jobs."""
get_payment = payments.get
update_payment = payments.update
list_payments = payments.list
delete_payment = payments.delete
