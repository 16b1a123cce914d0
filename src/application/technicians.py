"""Technician use cases: hire, read, revise, list, delete."""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.technician import Technician, TechnicianDetails


async def create_technician(
    uow: UnitOfWork, clock: Clock, details: TechnicianDetails
) -> Technician:
    """Add a technician to the shop."""
    technician = Technician.hire(details, clock.now())
    async with uow:
        technician = await uow.technicians.add(technician)
        await uow.commit()
    return technician


async def get_technician(uow: UnitOfWork, technician_id: int) -> Technician:
    """One technician, or NotFound."""
    async with uow:
        return await require(uow.technicians, "technician", technician_id)


async def update_technician(
    uow: UnitOfWork, technician_id: int, details: TechnicianDetails
) -> Technician:
    """Replace a technician's editable details (including deactivating them)."""
    async with uow:
        technician = await require(uow.technicians, "technician", technician_id)
        technician.revise(details)
        await uow.technicians.update(technician)
        await uow.commit()
    return technician


async def list_technicians(uow: UnitOfWork, query: ListQuery) -> Page[Technician]:
    """A page of technicians, filterable by `active`."""
    async with uow:
        return await uow.technicians.list(query)


async def delete_technician(uow: UnitOfWork, technician_id: int) -> None:
    """Delete a technician with no jobs (Conflict otherwise: deactivate them instead)."""
    async with uow:
        await remove(uow.technicians, "technician", technician_id)
        await uow.commit()
