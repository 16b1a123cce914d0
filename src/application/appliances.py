"""Appliance use cases: register, read, revise, list, delete.

The service history (lastServiceDate and the last service job) is written by completing a
job that names the appliance (see `jobs.complete_job`); only at registration may the office
state when an appliance already known to it was last serviced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.access import Actor, require_customer_visible
from application.lookups import require
from application.pagination import SERVED_BY_TECHNICIAN
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.appliance import Appliance, ApplianceDetails
from domain.errors import NotFound


async def _visible(uow: UnitOfWork, actor: Actor, appliance: Appliance) -> None:
    """NotFound for a technician not serving the appliance's customer."""
    assert appliance.id is not None
    try:
        await require_customer_visible(uow, actor, appliance.details.customer_id)
    except NotFound:
        raise NotFound("appliance", appliance.id) from None


async def _check_customer(uow: UnitOfWork, actor: Actor, appliance: Appliance) -> None:
    if appliance.id is None:  # a new one: of an existing customer (it stays with them)
        await require(uow.customers, "customer", appliance.details.customer_id, "customer_id")


def _revise(appliance: Appliance, details: ApplianceDetails, now: datetime | None) -> None:
    assert now is not None
    appliance.revise(details, now)


APPLIANCES: ResourceSpec[Appliance, ApplianceDetails] = ResourceSpec(
    name="appliance",
    sortable=("id", "created_at", "type", "brand", "installed_on", "last_service_date"),
    repository=lambda uow: uow.appliances,
    access=Access.own_work(SERVED_BY_TECHNICIAN),
    filters=frozenset({"customer_id", SERVED_BY_TECHNICIAN}),
    new=Appliance.register,
    revise=_revise,
    visible=_visible,
    check=_check_customer,
)
appliances = Crud(APPLIANCES)


@dataclass(frozen=True, slots=True)
class NewAppliance:
    """A registration: the details, and when the machine was last serviced, if known."""

    details: ApplianceDetails
    last_service_date: datetime | None = None


async def create_appliance(
    actor: Actor, uow: UnitOfWork, clock: Clock, new: ApplianceDetails | NewAppliance
) -> Appliance:
    """Register a customer's appliance; a stated lastServiceDate may not be in the future."""
    if isinstance(new, ApplianceDetails):
        new = NewAppliance(new)
    serviced = new.last_service_date

    async def stated_service(uow: UnitOfWork, appliance: Appliance) -> None:
        if serviced is not None:
            appliance.serviced_before(serviced)

    return await appliances.create(actor, uow, clock, new.details, stated_service)


get_appliance = appliances.get
update_appliance = appliances.update
list_appliances = appliances.list


async def delete_appliance(actor: Actor, uow: UnitOfWork, appliance_id: int) -> None:
    """Delete an appliance; jobs that named it keep their history but no longer point at it."""
    await appliances.delete(actor, uow, None, appliance_id)
