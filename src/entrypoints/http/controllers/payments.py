"""/payments."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import payments as uc
from domain.money import Money
from domain.payment import Payment, PaymentDetails, PaymentMethod
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
    ShortText,
    list_query,
    money_text,
    page_out,
)


class PaymentIn(In, kw_only=True):
    customer_id: Id
    amount: Amount
    currency: Currency = "USD"
    payment_method: PaymentMethod
    paid_at: datetime
    job_id: Id | None = None
    reference: ShortText | None = None

    def details(self) -> PaymentDetails:
        return PaymentDetails(
            customer_id=self.customer_id,
            amount=Money.of(self.amount, self.currency),
            paid_at=self.paid_at,
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
    payment_method: PaymentMethod
    reference: str | None
    paid_at: datetime
    created_at: datetime


def payment_out(p: Payment) -> PaymentOut:
    d = p.details
    assert p.id is not None
    return PaymentOut(
        id=p.id,
        customer_id=d.customer_id,
        job_id=d.job_id,
        amount=money_text(d.amount),
        currency=d.amount.currency,
        payment_method=d.payment_method,
        reference=d.reference,
        paid_at=d.paid_at,
        created_at=p.created_at,
    )


class PaymentController(Controller):
    path = "/payments"
    tags = ["payments"]

    @post("/", operation_id="createPayment")
    async def create(
        self, actor: ActorDep, data: JSONBody[PaymentIn], uow: Uow, clock: ClockDep
    ) -> PaymentOut:
        return payment_out(await uc.create_payment(actor, uow, clock, data.details()))

    @get("/", operation_id="listPayments")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
        job_id: JobIdFilter = None,
    ) -> PageOut[PaymentOut]:
        query = list_query(limit, offset, customer_id=customer_id, job_id=job_id)
        return page_out(await uc.list_payments(actor, uow, query), payment_out)

    @get("/{payment_id:int}", operation_id="getPayment")
    async def get_one(self, actor: ActorDep, payment_id: PathId, uow: Uow) -> PaymentOut:
        return payment_out(await uc.get_payment(actor, uow, payment_id))

    @put("/{payment_id:int}", operation_id="updatePayment")
    async def update(
        self,
        actor: ActorDep,
        payment_id: PathId,
        data: JSONBody[PaymentIn],
        uow: Uow,
        clock: ClockDep,
    ) -> PaymentOut:
        return payment_out(await uc.update_payment(actor, uow, clock, payment_id, data.details()))

    @delete("/{payment_id:int}", operation_id="deletePayment", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: ActorDep, payment_id: PathId, uow: Uow, clock: ClockDep) -> None:
        await uc.delete_payment(actor, uow, clock, payment_id)
