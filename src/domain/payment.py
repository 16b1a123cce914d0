"""A payment received from a customer, optionally for one job."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.errors import ValidationFailed
from domain.money import Money


class PaymentMethod(enum.StrEnum):
    CASH = "CASH"
    CARD = "CARD"
    TRANSFER = "TRANSFER"
    CHECK = "CHECK"
    OTHER = "OTHER"


@dataclass(slots=True)
class PaymentDetails:
    customer_id: int
    amount: Money
    paid_at: datetime
    payment_method: PaymentMethod
    job_id: int | None = None
    reference: str | None = None

    def validated(self) -> PaymentDetails:
        errors: dict[str, str] = {}
        if self.amount.amount <= 0:
            errors["amount"] = "must be greater than zero"
        paid_at = v.instant(errors, "paid_at", self.paid_at)
        reference = v.optional_text(errors, "reference", self.reference, 200)
        if errors:
            raise ValidationFailed(errors)
        return PaymentDetails(
            customer_id=self.customer_id,
            amount=self.amount,
            paid_at=paid_at,
            payment_method=self.payment_method,
            job_id=self.job_id,
            reference=reference,
        )


@dataclass(slots=True)
class Payment:
    details: PaymentDetails
    created_at: datetime
    id: int | None = None

    @classmethod
    def record(cls, details: PaymentDetails, now: datetime) -> Payment:
        return cls(details=details.validated(), created_at=now)

    def revise(self, details: PaymentDetails) -> None:
        self.details = details.validated()
