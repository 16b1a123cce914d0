"""/technicians."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import KwargDefinition, QueryParameter

from application import technicians as uc
from domain.technician import Technician, TechnicianDetails
from entrypoints.http.list_params import QueryFilter
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    NOT_BLANK,
    Email,
    In,
    Name,
    Out,
    Phone,
    record_out,
)

# KwargDefinition repeats the bounds for the OpenAPI document (which reads no msgspec.Meta
# on list items); msgspec enforces them.
Skill = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=60, pattern=NOT_BLANK),
    KwargDefinition(min_length=1, max_length=60, pattern=NOT_BLANK),
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
    return record_out(TechnicianOut, x, skills=list(x.details.skills))


TECHNICIANS: HttpResource[Technician] = HttpResource(
    singular="Technician",
    out=TechnicianOut,
    to_out=technician_out,
    filters=(QueryFilter("active", Annotated[bool | None, QueryParameter(name="active")]),),
    body=TechnicianIn,
    crud=uc.technicians,
)
TechnicianController = resource_controller(TECHNICIANS)
