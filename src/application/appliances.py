"""Appliance use cases: register, read, revise, list, delete.

The service history (lastServiceDate and the last service job) is not written here:
completing a job that names the appliance records it (see `jobs.complete_job`).
"""

from __future__ import annotations

from application.access import (
    Actor,
    Permission,
    authorize,
    authorize_read,
    require_customer_visible,
    scoped,
)
from application.lookups import remove, require
from application.pagination import SERVED_BY_TECHNICIAN, ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.appliance import Appliance, ApplianceDetails
from domain.errors import NotFound


async def create_appliance(
    actor: Actor, uow: UnitOfWork, clock: Clock, details: ApplianceDetails
) -> Appliance:
    """Register an appliance of an existing customer."""
    authorize(actor, Permission.WRITE_BUSINESS)
    appliance = Appliance.register(details, clock.now())
    async with uow:
        await require(uow.customers, "customer", details.customer_id, "customer_id")
        appliance = await uow.appliances.add(appliance)
        await uow.commit()
    return appliance


async def _visible(actor: Actor, uow: UnitOfWork, appliance_id: int) -> Appliance:
    appliance = await require(uow.appliances, "appliance", appliance_id)
    try:
        await require_customer_visible(uow, actor, appliance.details.customer_id)
    except NotFound:
        raise NotFound("appliance", appliance_id) from None
    return appliance


async def get_appliance(actor: Actor, uow: UnitOfWork, appliance_id: int) -> Appliance:
    """One appliance, or NotFound (also for a technician not serving its customer)."""
    authorize_read(actor)
    async with uow:
        return await _visible(actor, uow, appliance_id)


async def update_appliance(
    actor: Actor, uow: UnitOfWork, clock: Clock, appliance_id: int, details: ApplianceDetails
) -> Appliance:
    """Correct an appliance's details; it stays with its customer, its history is kept."""
    async with uow:
        appliance = await _visible(actor, uow, appliance_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        appliance.revise(details, clock.now())
        await uow.appliances.update(appliance)
        await uow.commit()
    return appliance


async def list_appliances(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Appliance]:
    """A page of appliances, newest first, filterable by customer (a technician: only of
    customers they have a job at)."""
    authorize_read(actor)
    visible = scoped(actor, query, by=SERVED_BY_TECHNICIAN)
    if visible is None:
        return Page([], 0, query.limit, query.offset)
    async with uow:
        return await uow.appliances.list(visible)


async def delete_appliance(actor: Actor, uow: UnitOfWork, appliance_id: int) -> None:
    """Delete an appliance; jobs that named it keep their history but no longer point at it."""
    async with uow:
        await _visible(actor, uow, appliance_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        await remove(uow.appliances, "appliance", appliance_id)
        await uow.commit()
