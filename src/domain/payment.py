"""A payment received from a customer, optionally for one job."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain import validation as v
from domain.money import Money
from domain.recorded import DatedRecorded


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
    paid_at: datetime | None = None  # None: now, when recorded (see DatedRecorded)
    payment_method: PaymentMethod | None = None  # None: not stated
    job_id: int | None = None
    reference: str | None = None

    def validated(self) -> PaymentDetails:
        return v.checked(self, amount=v.positive, paid_at=v.instant, reference=v.optional(200))


@dataclass(slots=True)
class Payment(DatedRecorded[PaymentDetails]):
    """A payment: recorded (paid now unless told when), revised as a whole, deleted."""

    when = "paid_at"
