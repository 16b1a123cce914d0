"""Technician use cases: hire, read, revise, list, delete."""

from __future__ import annotations

from application.access import Actor, Permission, authorize, limited_to_own_work
from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.technician import Technician, TechnicianDetails


async def create_technician(
    actor: Actor, uow: UnitOfWork, clock: Clock, details: TechnicianDetails
) -> Technician:
    """Add a technician to the shop."""
    authorize(actor, Permission.WRITE_BUSINESS)
    technician = Technician.hire(details, clock.now())
    async with uow:
        technician = await uow.technicians.add(technician)
        await uow.commit()
    return technician


def _require_visible(actor: Actor, technician_id: int) -> None:
    """A technician sees only their own record; any other is NotFound to them."""
    if limited_to_own_work(actor) and actor.technician_id != technician_id:
        raise NotFound("technician", technician_id)


async def get_technician(actor: Actor, uow: UnitOfWork, technician_id: int) -> Technician:
    """One technician, or NotFound (a technician reads only their own record)."""
    _require_visible(actor, technician_id)
    async with uow:
        return await require(uow.technicians, "technician", technician_id)


async def update_technician(
    actor: Actor, uow: UnitOfWork, technician_id: int, details: TechnicianDetails
) -> Technician:
    """Replace a technician's editable details (including deactivating them)."""
    _require_visible(actor, technician_id)
    authorize(actor, Permission.WRITE_BUSINESS)
    async with uow:
        technician = await require(uow.technicians, "technician", technician_id)
        technician.revise(details)
        await uow.technicians.update(technician)
        await uow.commit()
    return technician


async def list_technicians(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Technician]:
    """A page of technicians, filterable by `active`."""
    authorize(actor, Permission.READ_BUSINESS)
    async with uow:
        return await uow.technicians.list(query)


async def delete_technician(actor: Actor, uow: UnitOfWork, technician_id: int) -> None:
    """Delete a technician with no jobs (Conflict otherwise: deactivate them instead)."""
    _require_visible(actor, technician_id)
    authorize(actor, Permission.WRITE_BUSINESS)
    async with uow:
        await remove(uow.technicians, "technician", technician_id)
        await uow.commit()
