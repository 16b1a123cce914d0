"""Maintenance alerts as the office works them: list, read, acknowledge, dismiss, and the
job booked for one closing it when it completes.

Staff read and act on every alert. A technician reads the alerts of customers one of
their jobs is for (404 for any other) and may not acknowledge or dismiss (403): deciding
what to do about an appliance is the office's call.
"""

from __future__ import annotations

from datetime import datetime

from application.access import Actor, serves_customer
from application.lookups import require
from application.pagination import DUE_BEFORE, SERVED_BY_TECHNICIAN
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, AuditTrail, Crud, ResourceSpec, named_customer
from domain import aggregate_fields as f
from domain.audit import AuditedEntity
from domain.errors import NotFound, ValidationFailed
from domain.job import Job
from domain.maintenance_alert import CLOSED, MaintenanceAlert

NAME = "maintenance alert"


async def _visible(uow: UnitOfWork, actor: Actor, alert: MaintenanceAlert) -> None:
    if actor.is_technician and not await serves_customer(uow, actor, alert.customer_id):
        assert alert.id is not None
        raise NotFound(NAME, alert.id)


MAINTENANCE_ALERTS: ResourceSpec[MaintenanceAlert, None] = ResourceSpec(
    name=NAME,
    repository=lambda uow: uow.maintenance_alerts,
    access=Access.own_work(SERVED_BY_TECHNICIAN),
    filters=frozenset({"customer_id", "status", DUE_BEFORE}),
    visible=_visible,
    audit=AuditTrail(
        AuditedEntity.MAINTENANCE_ALERT,
        f.MAINTENANCE_ALERT_FIELDS.snapshot,
        named_customer(lambda alert: alert.customer_id),
    ),
)
alerts = Crud(MAINTENANCE_ALERTS)

list_maintenance_alerts = alerts.list
get_maintenance_alert = alerts.get


async def acknowledge_alert(
    actor: Actor, uow: UnitOfWork, clock: Clock, alert_id: int
) -> MaintenanceAlert:
    """OPEN → ACKNOWLEDGED (409 from any other state)."""

    async def step(_: UnitOfWork, alert: MaintenanceAlert, now: datetime) -> None:
        alert.acknowledge(now)

    return await alerts.change(actor, uow, clock, alert_id, step)


async def dismiss_alert(
    actor: Actor, uow: UnitOfWork, clock: Clock, alert_id: int, reason: str
) -> MaintenanceAlert:
    """OPEN or ACKNOWLEDGED → DISMISSED, with the reason, who and when (409 once closed)."""

    async def step(_: UnitOfWork, alert: MaintenanceAlert, now: datetime) -> None:
        alert.dismiss(reason, actor.user_id, now)

    return await alerts.change(actor, uow, clock, alert_id, step)


async def link_alert(uow: UnitOfWork, job: Job, alert_id: int) -> None:
    """Book a new job for an alert: the alert exists, is the job's customer's and is still
    open (OPEN or ACKNOWLEDGED); ValidationFailed (or NotFound) naming the field otherwise."""
    field = "maintenance_alert_id"
    alert = await require(uow.maintenance_alerts, NAME, alert_id, field)
    if alert.customer_id != job.details.customer_id:
        raise ValidationFailed.single(field, "the maintenance alert is another customer's")
    if alert.status in CLOSED:
        raise ValidationFailed.single(field, f"the maintenance alert is {alert.status}")
    job.maintenance_alert_id = alert_id


async def close_alert_of(uow: UnitOfWork, actor: Actor, clock: Clock, job: Job) -> None:
    """The job booked for an alert completed: the alert is DONE (audited), unless it was
    closed meanwhile or deleted with its appliance."""
    if job.maintenance_alert_id is None:
        return
    alert = await uow.maintenance_alerts.get(job.maintenance_alert_id)
    if alert is None or alert.status in CLOSED:
        return

    async def step(_: UnitOfWork, alert: MaintenanceAlert, now: datetime) -> None:
        alert.close(now)

    await alerts.apply(uow, actor, clock, alert, step)
