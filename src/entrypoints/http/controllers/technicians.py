"""/technicians."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody, KwargDefinition, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import technicians as uc
from domain.technician import Technician, TechnicianDetails
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.wire import (
    Email,
    In,
    Limit,
    Name,
    Offset,
    Out,
    PageOut,
    Phone,
    list_query,
    page_out,
)

# KwargDefinition repeats the bounds for the OpenAPI document (which reads no msgspec.Meta
# on list items); msgspec enforces them.
Skill = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=60),
    KwargDefinition(min_length=1, max_length=60),
]


class TechnicianIn(In):
    name: Name
    phone: Phone | None = None
    email: Email | None = None
    skills: Annotated[list[Skill], msgspec.Meta(max_length=50)] = []
    active: bool = True

    def details(self) -> TechnicianDetails:
        return TechnicianDetails(self.name, self.phone, self.email, tuple(self.skills), self.active)


class TechnicianOut(Out):
    id: int
    name: str
    phone: str | None
    email: str | None
    skills: list[str]
    active: bool
    created_at: datetime


def technician_out(x: Technician) -> TechnicianOut:
    d = x.details
    assert x.id is not None
    return TechnicianOut(
        id=x.id,
        name=d.name,
        phone=d.phone,
        email=d.email,
        skills=list(d.skills),
        active=d.active,
        created_at=x.created_at,
    )


class TechnicianController(Controller):
    path = "/technicians"
    tags = ["technicians"]

    @post("/", operation_id="createTechnician")
    async def create(
        self, actor: ActorDep, data: JSONBody[TechnicianIn], uow: Uow, clock: ClockDep
    ) -> TechnicianOut:
        return technician_out(await uc.create_technician(actor, uow, clock, data.details()))

    @get("/", operation_id="listTechnicians")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        active: Annotated[bool | None, QueryParameter(name="active")] = None,
    ) -> PageOut[TechnicianOut]:
        query = list_query(limit, offset, active=active)
        return page_out(await uc.list_technicians(actor, uow, query), technician_out)

    @get("/{technician_id:int}", operation_id="getTechnician")
    async def get_one(self, actor: ActorDep, technician_id: PathId, uow: Uow) -> TechnicianOut:
        return technician_out(await uc.get_technician(actor, uow, technician_id))

    @put("/{technician_id:int}", operation_id="updateTechnician")
    async def update(
        self, actor: ActorDep, technician_id: PathId, data: JSONBody[TechnicianIn], uow: Uow
    ) -> TechnicianOut:
        return technician_out(await uc.update_technician(actor, uow, technician_id, data.details()))

    @delete(
        "/{technician_id:int}", operation_id="deleteTechnician", status_code=HTTP_204_NO_CONTENT
    )
    async def remove(self, actor: ActorDep, technician_id: PathId, uow: Uow) -> None:
        await uc.delete_technician(actor, uow, technician_id)
