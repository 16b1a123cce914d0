"""/expenses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import expenses as uc
from domain.expense import Expense, ExpenseDetails
from domain.money import Money
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.wire import (
    Amount,
    Currency,
    CustomerIdFilter,
    Id,
    In,
    JobIdFilter,
    Limit,
    Offset,
    Out,
    PageOut,
    Text,
    list_query,
    money_text,
    page_out,
)


class ExpenseIn(In, kw_only=True):
    amount: Amount
    currency: Currency = "USD"
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    incurred_at: datetime
    description: Text | None = None
    customer_id: Id | None = None
    job_id: Id | None = None

    def details(self) -> ExpenseDetails:
        return ExpenseDetails(
            amount=Money.of(self.amount, self.currency),
            category=self.category,
            incurred_at=self.incurred_at,
            description=self.description,
            customer_id=self.customer_id,
            job_id=self.job_id,
        )


class ExpenseOut(Out):
    id: int
    amount: str
    currency: str
    category: str
    description: str | None
    incurred_at: datetime
    customer_id: int | None
    job_id: int | None
    created_at: datetime


def expense_out(e: Expense) -> ExpenseOut:
    d = e.details
    assert e.id is not None
    return ExpenseOut(
        id=e.id,
        amount=money_text(d.amount),
        currency=d.amount.currency,
        category=d.category,
        description=d.description,
        incurred_at=d.incurred_at,
        customer_id=d.customer_id,
        job_id=d.job_id,
        created_at=e.created_at,
    )


class ExpenseController(Controller):
    path = "/expenses"
    tags = ["expenses"]

    @post("/", operation_id="createExpense")
    async def create(
        self, actor: ActorDep, data: JSONBody[ExpenseIn], uow: Uow, clock: ClockDep
    ) -> ExpenseOut:
        return expense_out(await uc.create_expense(actor, uow, clock, data.details()))

    @get("/", operation_id="listExpenses")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
        job_id: JobIdFilter = None,
    ) -> PageOut[ExpenseOut]:
        query = list_query(limit, offset, customer_id=customer_id, job_id=job_id)
        return page_out(await uc.list_expenses(actor, uow, query), expense_out)

    @get("/{expense_id:int}", operation_id="getExpense")
    async def get_one(self, actor: ActorDep, expense_id: PathId, uow: Uow) -> ExpenseOut:
        return expense_out(await uc.get_expense(actor, uow, expense_id))

    @put("/{expense_id:int}", operation_id="updateExpense")
    async def update(
        self,
        actor: ActorDep,
        expense_id: PathId,
        data: JSONBody[ExpenseIn],
        uow: Uow,
        clock: ClockDep,
    ) -> ExpenseOut:
        return expense_out(await uc.update_expense(actor, uow, clock, expense_id, data.details()))

    @delete("/{expense_id:int}", operation_id="deleteExpense", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: ActorDep, expense_id: PathId, uow: Uow, clock: ClockDep) -> None:
        await uc.delete_expense(actor, uow, clock, expense_id)
