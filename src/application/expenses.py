"""Expense use cases: record, read, revise, list, delete."""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.expense import Expense, ExpenseDetails


async def _check_references(uow: UnitOfWork, details: ExpenseDetails) -> None:
    if details.customer_id is not None:
        await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.job_id is not None:
        job = await require(uow.jobs, "job", details.job_id, "job_id")
        details.check_job_owner(job.details.customer_id)


async def create_expense(uow: UnitOfWork, clock: Clock, details: ExpenseDetails) -> Expense:
    """Record an expense, optionally for a customer and/or one of that customer's jobs."""
    expense = Expense.record(details, clock.now())
    async with uow:
        await _check_references(uow, expense.details)
        expense = await uow.expenses.add(expense)
        await uow.commit()
    return expense


async def get_expense(uow: UnitOfWork, expense_id: int) -> Expense:
    """One expense, or NotFound."""
    async with uow:
        return await require(uow.expenses, "expense", expense_id)


async def update_expense(uow: UnitOfWork, expense_id: int, details: ExpenseDetails) -> Expense:
    """Correct a recorded expense."""
    async with uow:
        expense = await require(uow.expenses, "expense", expense_id)
        expense.revise(details)
        await _check_references(uow, expense.details)
        await uow.expenses.update(expense)
        await uow.commit()
    return expense


async def list_expenses(uow: UnitOfWork, query: ListQuery) -> Page[Expense]:
    """A page of expenses, filterable by customer and job."""
    async with uow:
        return await uow.expenses.list(query)


async def delete_expense(uow: UnitOfWork, expense_id: int) -> None:
    """Delete an expense recorded in error."""
    async with uow:
        await remove(uow.expenses, "expense", expense_id)
        await uow.commit()
