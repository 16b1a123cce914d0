"""Expense use cases: record, read, revise, list, delete.

Staff read (READ_MONEY) and change (WRITE_BUSINESS) every expense. A technician records,
reads, corrects and deletes only expenses of jobs assigned to them: any other expense is
NotFound, and an expense they record must name one of their jobs. Every change is written
to the audit trail in its own transaction.
"""

from __future__ import annotations

from application import audit
from application.access import (
    Actor,
    Permission,
    authorize,
    limited_to_own_work,
    owns_job,
    scoped,
)
from application.lookups import remove, require
from application.pagination import ASSIGNED_TO_TECHNICIAN, ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity, Changes, diff
from domain.audit_fields import expense_fields
from domain.errors import NotFound, PermissionDenied
from domain.expense import Expense, ExpenseDetails

ENTITY = AuditedEntity.EXPENSE
OWN_JOBS_ONLY = "technicians record expenses against their own jobs: give the job_id"


def _authorize_read(actor: Actor) -> None:
    own = limited_to_own_work(actor)
    authorize(actor, Permission.READ_OWN_WORK if own else Permission.READ_MONEY)


def _authorize_write(actor: Actor) -> None:
    own = limited_to_own_work(actor)
    authorize(actor, Permission.WRITE_OWN_EXPENSES if own else Permission.WRITE_BUSINESS)


async def _on_own_job(uow: UnitOfWork, actor: Actor, job_id: int | None) -> bool:
    if job_id is None:
        return False
    job = await uow.jobs.get(job_id)
    return job is not None and owns_job(actor, job)


async def _visible(uow: UnitOfWork, actor: Actor, expense_id: int) -> Expense:
    """The expense, or NotFound (also when a technician's job is not the expense's job)."""
    expense = await require(uow.expenses, ENTITY, expense_id)
    if limited_to_own_work(actor) and not await _on_own_job(uow, actor, expense.details.job_id):
        raise NotFound(ENTITY, expense_id)
    return expense


async def _check_references(uow: UnitOfWork, actor: Actor, details: ExpenseDetails) -> None:
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


async def _record(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    action: AuditAction,
    expense: Expense,
    changes: Changes,
) -> None:
    assert expense.id is not None
    customer_id = expense.details.customer_id
    if customer_id is None and expense.details.job_id is not None:
        job = await uow.jobs.get(expense.details.job_id)
        customer_id = None if job is None else job.details.customer_id
    await audit.record(uow, actor, clock.now(), action, ENTITY, expense.id, customer_id, changes)


async def create_expense(
    actor: Actor, uow: UnitOfWork, clock: Clock, details: ExpenseDetails
) -> Expense:
    """Record an expense, optionally for a customer and/or one of that customer's jobs
    (a technician: for one of their own jobs)."""
    _authorize_write(actor)
    expense = Expense.record(details, clock.now())
    async with uow:
        await _check_references(uow, actor, expense.details)
        expense = await uow.expenses.add(expense)
        changes = diff(None, expense_fields(expense))
        await _record(uow, actor, clock, AuditAction.CREATE, expense, changes)
        await uow.commit()
    return expense


async def get_expense(actor: Actor, uow: UnitOfWork, expense_id: int) -> Expense:
    """One expense, or NotFound."""
    _authorize_read(actor)
    async with uow:
        return await _visible(uow, actor, expense_id)


async def update_expense(
    actor: Actor, uow: UnitOfWork, clock: Clock, expense_id: int, details: ExpenseDetails
) -> Expense:
    """Correct a recorded expense."""
    _authorize_write(actor)
    async with uow:
        expense = await _visible(uow, actor, expense_id)
        before = expense_fields(expense)
        expense.revise(details)
        await _check_references(uow, actor, expense.details)
        await uow.expenses.update(expense)
        changes = diff(before, expense_fields(expense))
        await _record(uow, actor, clock, AuditAction.UPDATE, expense, changes)
        await uow.commit()
    return expense


async def list_expenses(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Expense]:
    """A page of expenses, filterable by customer and job (a technician's: of their jobs)."""
    _authorize_read(actor)
    narrowed = scoped(actor, query, by=ASSIGNED_TO_TECHNICIAN)
    if narrowed is None:
        return Page([], 0, query.limit, query.offset)
    async with uow:
        return await uow.expenses.list(narrowed)


async def delete_expense(actor: Actor, uow: UnitOfWork, clock: Clock, expense_id: int) -> None:
    """Delete an expense recorded in error."""
    _authorize_write(actor)
    async with uow:
        expense = await _visible(uow, actor, expense_id)
        await remove(uow.expenses, ENTITY, expense_id)
        changes = diff(expense_fields(expense), None)
        await _record(uow, actor, clock, AuditAction.DELETE, expense, changes)
        await uow.commit()
