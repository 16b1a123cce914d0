"""/payments."""

from __future__ import annotations

from datetime import datetime

from msgspec import UNSET, UnsetType

from application import payments as uc
from domain.money import Money
from domain.payment import Payment, PaymentDetails, PaymentMethod
from entrypoints.http.list_params import CUSTOMER_ID, JOB_ID
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Amount,
    Currency,
    Id,
    In,
    Out,
    ShortText,
    given,
    money_fields,
    record_out,
)


class PaymentIn(In, kw_only=True):
    customer_id: Id
    amount: Amount
    currency: Currency = "USD"
    payment_method: PaymentMethod | None = None  # null or left out: not stated
    paid_at: datetime | UnsetType = UNSET  # left out: now
    job_id: Id | None = None
    reference: ShortText | None = None

    def details(self) -> PaymentDetails:
        return PaymentDetails(
            customer_id=self.customer_id,
            amount=Money.of(self.amount, self.currency),
            paid_at=given(self.paid_at),
            payment_method=self.payment_method,
            job_id=self.job_id,
            reference=self.reference,
        )


class PaymentOut(Out):
    id: int
    customer_id: int
    job_id: int | None
    amount: str
    currency: str
    payment_method: PaymentMethod | None
    reference: str | None
    paid_at: datetime
    created_at: datetime


def payment_out(p: Payment) -> PaymentOut:
    return record_out(PaymentOut, p, **money_fields(p.details.amount))


PAYMENTS: HttpResource[Payment] = HttpResource(
    singular="Payment",
    out=PaymentOut,
    to_out=payment_out,
    filters=(CUSTOMER_ID, JOB_ID),
    body=PaymentIn,
    crud=uc.payments,
)
PaymentController = resource_controller(PAYMENTS)
