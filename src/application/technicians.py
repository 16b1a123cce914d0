"""Technician use cases: hire, read, revise, list, delete.

A technician reads only their own record (any other is NotFound) and changes none.
"""

from __future__ import annotations

from application.access import Actor, limited_to_own_work
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.errors import NotFound
from domain.technician import Technician, TechnicianDetails


async def _visible(uow: UnitOfWork, actor: Actor, technician: Technician) -> None:
    """A technician sees only their own record; any other is NotFound to them."""
    if limited_to_own_work(actor) and actor.technician_id != technician.id:
        assert technician.id is not None
        raise NotFound("technician", technician.id)


TECHNICIANS: ResourceSpec[Technician, TechnicianDetails] = ResourceSpec(
    name="technician",
    sortable=("id", "created_at", "name"),
    repository=lambda uow: uow.technicians,
    access=Access.own_work(),
    filters=frozenset({"active"}),
    new=Technician.hire,
    revise=lambda technician, details, _: technician.revise(details),
    visible=_visible,
)
technicians = Crud(TECHNICIANS)

create_technician = technicians.create
get_technician = technicians.get
list_technicians = technicians.list
update_technician = technicians.update_untimed
"""Replace a technician's editable details (including deactivating them)."""


async def delete_technician(actor: Actor, uow: UnitOfWork, technician_id: int) -> None:
    """Delete a technician with no jobs (Conflict otherwise: deactivate them instead)."""
    await technicians.delete(actor, uow, None, technician_id)
