"""/appliances: a customer's machines; their service history is set by completing jobs."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import appliances as uc
from domain.appliance import Appliance, ApplianceDetails
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.wire import (
    CustomerIdFilter,
    Id,
    In,
    Limit,
    Offset,
    Out,
    PageOut,
    ShortText,
    list_query,
    page_out,
)


class ApplianceIn(In):
    customer_id: Id
    type: ShortText
    brand: ShortText | None = None
    model_number: ShortText | None = None
    serial_number: ShortText | None = None
    installed_on: date | None = None

    def details(self) -> ApplianceDetails:
        return ApplianceDetails(
            customer_id=self.customer_id,
            type=self.type,
            brand=self.brand,
            model_number=self.model_number,
            serial_number=self.serial_number,
            installed_on=self.installed_on,
        )


class ApplianceOut(Out):
    id: int
    customer_id: int
    type: str
    brand: str | None
    model_number: str | None
    serial_number: str | None
    installed_on: date | None
    last_service_date: datetime | None
    job_id: int | None
    created_at: datetime
    updated_at: datetime


def appliance_out(a: Appliance) -> ApplianceOut:
    d = a.details
    assert a.id is not None
    return ApplianceOut(
        id=a.id,
        customer_id=d.customer_id,
        type=d.type,
        brand=d.brand,
        model_number=d.model_number,
        serial_number=d.serial_number,
        installed_on=d.installed_on,
        last_service_date=a.last_service_date,
        job_id=a.job_id,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


class ApplianceController(Controller):
    path = "/appliances"
    tags = ["appliances"]

    @post("/", operation_id="createAppliance")
    async def create(
        self, actor: ActorDep, data: JSONBody[ApplianceIn], uow: Uow, clock: ClockDep
    ) -> ApplianceOut:
        return appliance_out(await uc.create_appliance(actor, uow, clock, data.details()))

    @get("/", operation_id="listAppliances")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
    ) -> PageOut[ApplianceOut]:
        query = list_query(limit, offset, customer_id=customer_id)
        return page_out(await uc.list_appliances(actor, uow, query), appliance_out)

    @get("/{appliance_id:int}", operation_id="getAppliance")
    async def get_one(self, actor: ActorDep, appliance_id: PathId, uow: Uow) -> ApplianceOut:
        return appliance_out(await uc.get_appliance(actor, uow, appliance_id))

    @put("/{appliance_id:int}", operation_id="updateAppliance")
    async def update(
        self,
        actor: ActorDep,
        appliance_id: PathId,
        data: JSONBody[ApplianceIn],
        uow: Uow,
        clock: ClockDep,
    ) -> ApplianceOut:
        return appliance_out(
            await uc.update_appliance(actor, uow, clock, appliance_id, data.details())
        )

    @delete("/{appliance_id:int}", operation_id="deleteAppliance", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: ActorDep, appliance_id: PathId, uow: Uow) -> None:
        await uc.delete_appliance(actor, uow, appliance_id)
