"""An expense the shop incurred, optionally tied to a customer and/or one of their jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import ValidationFailed
from domain.money import Money


@dataclass(slots=True)
class ExpenseDetails:
    amount: Money
    category: str
    incurred_at: datetime
    description: str | None = None
    customer_id: int | None = None
    job_id: int | None = None

    def validated(self) -> ExpenseDetails:
        errors: dict[str, str] = {}
        if self.amount.amount <= 0:
            errors["amount"] = "must be greater than zero"
        incurred_at = v.instant(errors, "incurred_at", self.incurred_at)
        category = v.required_text(errors, "category", self.category, 100)
        description = v.optional_text(errors, "description", self.description, 2000)
        if errors:
            raise ValidationFailed(errors)
        return ExpenseDetails(
            amount=self.amount,
            category=category,
            incurred_at=incurred_at,
            description=description,
            customer_id=self.customer_id,
            job_id=self.job_id,
        )

    def check_job_owner(self, job_customer_id: int) -> None:
        """A job's expense belongs to that job's customer."""
        if self.customer_id is not None and self.customer_id != job_customer_id:
            raise ValidationFailed.single(
                "job_id", "the job belongs to another customer than customer_id"
            )


@dataclass(slots=True)
class Expense:
    details: ExpenseDetails
    created_at: datetime
    id: int | None = None

    @classmethod
    def record(cls, details: ExpenseDetails, now: datetime) -> Expense:
        return cls(details=details.validated(), created_at=now)

    def revise(self, details: ExpenseDetails) -> None:
        self.details = details.validated()
