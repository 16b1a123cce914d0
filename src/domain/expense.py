"""An expense the shop incurred, optionally tied to a customer and/or one of their jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import ValidationFailed
from domain.money import Money
from domain.recorded import DatedRecorded


@dataclass(slots=True)
class ExpenseDetails:
    amount: Money
    category: str
    incurred_at: datetime | None = None  # None: now, when recorded (see DatedRecorded)
    description: str | None = None
    customer_id: int | None = None
    job_id: int | None = None

    def validated(self) -> ExpenseDetails:
        return v.checked(
            self,
            amount=v.positive,
            incurred_at=v.instant,
            category=v.text(100),
            description=v.optional(2000),
        )

    def check_job_owner(self, job_customer_id: int) -> None:
        """A job's expense belongs to that job's customer."""
        if self.customer_id is not None and self.customer_id != job_customer_id:
            raise ValidationFailed.single(
                "job_id", "the job belongs to another customer than customer_id"
            )


@dataclass(slots=True)
class Expense(DatedRecorded[ExpenseDetails]):
    """An expense: recorded (incurred now unless told when), revised as a whole, deleted."""

    when = "incurred_at"
