"""Appliance use cases: register, read, revise, list, delete.

The service history (lastServiceDate and the last service job) is not written here:
completing a job that names the appliance records it (see `jobs.complete_job`).
"""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.appliance import Appliance, ApplianceDetails


async def create_appliance(uow: UnitOfWork, clock: Clock, details: ApplianceDetails) -> Appliance:
    """Register an appliance of an existing customer."""
    appliance = Appliance.register(details, clock.now())
    async with uow:
        await require(uow.customers, "customer", details.customer_id, "customer_id")
        appliance = await uow.appliances.add(appliance)
        await uow.commit()
    return appliance


async def get_appliance(uow: UnitOfWork, appliance_id: int) -> Appliance:
    """One appliance, or NotFound."""
    async with uow:
        return await require(uow.appliances, "appliance", appliance_id)


async def update_appliance(
    uow: UnitOfWork, clock: Clock, appliance_id: int, details: ApplianceDetails
) -> Appliance:
    """Correct an appliance's details; it stays with its customer, its history is kept."""
    async with uow:
        appliance = await require(uow.appliances, "appliance", appliance_id)
        appliance.revise(details, clock.now())
        await uow.appliances.update(appliance)
        await uow.commit()
    return appliance


async def list_appliances(uow: UnitOfWork, query: ListQuery) -> Page[Appliance]:
    """A page of appliances, newest first, filterable by customer."""
    async with uow:
        return await uow.appliances.list(query)


async def delete_appliance(uow: UnitOfWork, appliance_id: int) -> None:
    """Delete an appliance; jobs that named it keep their history but no longer point at it."""
    async with uow:
        await remove(uow.appliances, "appliance", appliance_id)
        await uow.commit()
