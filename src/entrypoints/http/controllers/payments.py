"""/payments."""

from __future__ import annotations

from datetime import datetime

from msgspec import UNSET, UnsetType

from application import payments as uc
from application.read_models.customer_view import PaymentItem
from domain.payment import Payment, PaymentDetails, PaymentMethod
from entrypoints.http.money_records import money_details, money_resource
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Amount,
    Currency,
    Id,
    In,
    ShortText,
)
from entrypoints.http.wire_twins import customer_record


class PaymentIn(In, kw_only=True):
    customer_id: Id
    amount: Amount
    currency: Currency = "USD"
    payment_method: PaymentMethod | None = None  # null or left out: not stated
    paid_at: datetime | UnsetType = UNSET  # left out: now
    job_id: Id | None = None
    reference: ShortText | None = None

    def details(self) -> PaymentDetails:
        return money_details(self, PaymentDetails)


PaymentOut = customer_record(PaymentItem, "PaymentOut")


PAYMENTS: HttpResource[Payment] = money_resource("Payment", PaymentOut, PaymentIn, uc.payments)
PaymentController = resource_controller(PAYMENTS)
