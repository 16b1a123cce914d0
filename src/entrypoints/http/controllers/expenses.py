"""/expenses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import UNSET, UnsetType

from application import expenses as uc
from domain.expense import Expense, ExpenseDetails
from entrypoints.http.money_records import money_details, money_resource
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Amount,
    Currency,
    Id,
    In,
    Out,
    Text,
    text_meta,
)

Category = Annotated[str, text_meta(100, required=True)]  # the domain's limit (domain/expense.py)


class ExpenseIn(In, kw_only=True):
    amount: Amount
    currency: Currency = "USD"
    category: Category
    incurred_at: datetime | UnsetType = UNSET  # left out: now
    description: Text | None = None
    customer_id: Id | None = None
    job_id: Id | None = None

    def details(self) -> ExpenseDetails:
        return money_details(self, ExpenseDetails)


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


EXPENSES: HttpResource[Expense] = money_resource("Expense", ExpenseOut, ExpenseIn, uc.expenses)
ExpenseController = resource_controller(EXPENSES)
