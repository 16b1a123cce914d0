"""Expense use cases: record, read, revise, list, delete.

Staff read (READ_MONEY) and change (WRITE_BUSINESS) every expense. A technician records,
reads, corrects and deletes only expenses of jobs assigned to them: any other expense is
NotFound, and an expense they record must name one of their jobs. Every change is written
to the audit trail in its own transaction.
"""

from __future__ import annotations

from application.access import Actor, Permission, limited_to_own_work, owns_job
from application.lookups import require
from application.pagination import ASSIGNED_TO_TECHNICIAN
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, AuditTrail, Crud, ResourceSpec
from domain.audit import AuditedEntity
from domain.audit_fields import expense_fields
from domain.errors import NotFound, PermissionDenied
from domain.expense import Expense, ExpenseDetails

ENTITY = AuditedEntity.EXPENSE
OWN_JOBS_ONLY = "technicians record expenses against their own jobs: give the job_id"


async def _on_own_job(uow: UnitOfWork, actor: Actor, job_id: int | None) -> bool:
    if job_id is None:
        return False
    job = await uow.jobs.get(job_id)
    return job is not None and owns_job(actor, job)


async def _visible(uow: UnitOfWork, actor: Actor, expense: Expense) -> None:
    """NotFound when a technician's job is not the expense's job."""
    if limited_to_own_work(actor) and not await _on_own_job(uow, actor, expense.details.job_id):
        assert expense.id is not None
        raise NotFound(ENTITY, expense.id)


async def _check_references(uow: UnitOfWork, actor: Actor, expense: Expense) -> None:
    details = expense.details
    if limited_to_own_work(actor):
        if details.job_id is None:
            raise PermissionDenied(OWN_JOBS_ONLY)
        if not await _on_own_job(uow, actor, details.job_id):
            raise NotFound("job", details.job_id, "job_id")
    if details.customer_id is not None:
        await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.job_id is not None:
        job = await require(uow.jobs, "job", details.job_id, "job_id")
        details.check_job_owner(job.details.customer_id)


async def _customer_of(uow: UnitOfWork, expense: Expense) -> int | None:
    """The expense's customer, else its job's."""
    customer_id = expense.details.customer_id
    if customer_id is None and expense.details.job_id is not None:
        job = await uow.jobs.get(expense.details.job_id)
        customer_id = None if job is None else job.details.customer_id
    return customer_id


EXPENSES: ResourceSpec[Expense, ExpenseDetails] = ResourceSpec(
    name=ENTITY,
    sortable=("id", "created_at", "incurred_at", "category"),
    repository=lambda uow: uow.expenses,
    access=Access(
        read=Permission.READ_MONEY,
        own_read=Permission.READ_OWN_WORK,
        own_write=Permission.WRITE_OWN_EXPENSES,
        list_scope=ASSIGNED_TO_TECHNICIAN,
    ),
    filters=frozenset({"customer_id", "job_id", ASSIGNED_TO_TECHNICIAN}),
    new=Expense.record,
    revise=lambda expense, details, _: expense.revise(details),
    visible=_visible,
    check=_check_references,
    audit=AuditTrail(ENTITY, expense_fields, _customer_of),
)
expenses = Crud(EXPENSES)

create_expense = expenses.create
get_expense = expenses.get
update_expense = expenses.update
list_expenses = expenses.list
delete_expense = expenses.delete
