"""/customers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import customers as uc
from domain.customer import Customer, CustomerDetails
from entrypoints.http.deps import ClockDep, PathId, Uow
from entrypoints.http.wire import (
    Email,
    In,
    Limit,
    LongText,
    Name,
    Offset,
    Out,
    PageOut,
    Phone,
    ShortText,
    list_query,
    page_out,
)


class CustomerIn(In):
    name: Name
    phone: Phone | None = None
    email: Email | None = None
    address: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    time_zone: ShortText = "UTC"
    notes: LongText | None = None

    def details(self) -> CustomerDetails:
        return CustomerDetails(
            self.name, self.phone, self.email, self.address, self.time_zone, self.notes
        )


class CustomerOut(Out):
    id: int
    name: str
    phone: str | None
    email: str | None
    address: str | None
    time_zone: str
    notes: str | None
    created_at: datetime


def customer_out(c: Customer) -> CustomerOut:
    d = c.details
    assert c.id is not None
    return CustomerOut(
        id=c.id,
        name=d.name,
        phone=d.phone,
        email=d.email,
        address=d.address,
        time_zone=d.time_zone,
        notes=d.notes,
        created_at=c.created_at,
    )


class CustomerController(Controller):
    path = "/customers"
    tags = ["customers"]

    @post("/", operation_id="createCustomer")
    async def create(self, data: JSONBody[CustomerIn], uow: Uow, clock: ClockDep) -> CustomerOut:
        return customer_out(await uc.create_customer(uow, clock, data.details()))

    @get("/", operation_id="listCustomers")
    async def list_(self, uow: Uow, limit: Limit = 50, offset: Offset = 0) -> PageOut[CustomerOut]:
        return page_out(await uc.list_customers(uow, list_query(limit, offset)), customer_out)

    @get("/{customer_id:int}", operation_id="getCustomer")
    async def get_one(self, customer_id: PathId, uow: Uow) -> CustomerOut:
        return customer_out(await uc.get_customer(uow, customer_id))

    @put("/{customer_id:int}", operation_id="updateCustomer")
    async def update(
        self, customer_id: PathId, data: JSONBody[CustomerIn], uow: Uow
    ) -> CustomerOut:
        return customer_out(await uc.update_customer(uow, customer_id, data.details()))

    @delete("/{customer_id:int}", operation_id="deleteCustomer", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, customer_id: PathId, uow: Uow) -> None:
        await uc.delete_customer(uow, customer_id)
