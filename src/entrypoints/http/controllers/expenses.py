"""/expenses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from application import expenses as uc
from domain.expense import Expense, ExpenseDetails
from domain.money import Money
from entrypoints.http.list_params import CUSTOMER_ID, JOB_ID
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Amount,
    Currency,
    Id,
    In,
    Out,
    Text,
    given,
    money_fields,
    record_out,
)


class ExpenseIn(In, kw_only=True):
    amount: Amount
    currency: Currency = "USD"
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    incurred_at: datetime | UnsetType = UNSET  # left out: now
    description: Text | None = None
    customer_id: Id | None = None
    job_id: Id | None = None

    def details(self) -> ExpenseDetails:
        return ExpenseDetails(
            amount=Money.of(self.amount, self.currency),
            category=self.category,
            incurred_at=given(self.incurred_at),
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
    return record_out(ExpenseOut, e, **money_fields(e.details.amount))


EXPENSES: HttpResource[Expense] = HttpResource(
    singular="Expense",
    out=ExpenseOut,
    to_out=expense_out,
    filters=(CUSTOMER_ID, JOB_ID),
    body=ExpenseIn,
    crud=uc.expenses,
)
ExpenseController = resource_controller(EXPENSES)
