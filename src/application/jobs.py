"""Job use cases: schedule, read, revise, list, delete, and the lifecycle moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime

from application.access import (
    Actor,
    Permission,
    authorize,
    limited_to_own_work,
    require_job_visible,
)
from application.lookups import require
from application.maintenance_alerts import close_alert_of, link_alert
from application.pagination import SCHEDULED_FROM, SCHEDULED_TO
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.errors import PermissionDenied, ValidationFailed
from domain.job import Job, JobDetails

INACTIVE = "technician is not active"


async def _check_references(uow: UnitOfWork, actor: Actor, job: Job) -> None:
    """The customer exists; the technician exists (and is active when a new job names
    them); the appliance exists and is the customer's."""
    details = job.details
    await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.technician_id is not None:
        technician = await require(
            uow.technicians, "technician", details.technician_id, "technician_id"
        )
        if job.id is None and not technician.details.active:
            raise ValidationFailed.single("technician_id", INACTIVE)
    if details.appliance_id is not None:
        appliance = await require(uow.appliances, "appliance", details.appliance_id, "appliance_id")
        if appliance.details.customer_id != details.customer_id:
            raise ValidationFailed.single(
                "appliance_id", "the appliance belongs to another customer"
            )


async def _visible(uow: UnitOfWork, actor: Actor, job: Job) -> None:
    require_job_visible(actor, job)


async def _before_update(uow: UnitOfWork, actor: Actor, job: Job, details: JobDetails) -> None:
    """Staff edit everything; a technician only the notes of their own job. A technician
    newly assigned must be active."""
    _authorize_edit(actor, job, details)
    if details.technician_id is not None and details.technician_id != job.details.technician_id:
        technician = await uow.technicians.get(details.technician_id)
        if technician is not None and not technician.details.active:
            raise ValidationFailed.single("technician_id", INACTIVE)


def _authorize_edit(actor: Actor, job: Job, details: JobDetails) -> None:
    if not limited_to_own_work(actor):
        authorize(actor, Permission.WRITE_BUSINESS)
        return
    authorize(actor, Permission.WORK_JOBS)
    current, wanted = job.details, details.validated()
    changed = sorted(
        field.name
        for field in fields(JobDetails)
        if field.name != "notes" and getattr(wanted, field.name) != getattr(current, field.name)
    )
    if changed:
        raise PermissionDenied(
            "a technician may change only the notes of their job, not: " + ", ".join(changed)
        )


JOBS: ResourceSpec[Job, JobDetails] = ResourceSpec(
    name="job",
    sortable=("id", "created_at", "scheduled_for", "status", "completion_date"),
    repository=lambda uow: uow.jobs,
    access=Access.own_work("technician_id"),
    filters=frozenset(
        {"customer_id", "technician_id", "status", "appliance_id", SCHEDULED_FROM, SCHEDULED_TO}
    ),
    new=Job.schedule,
    revise=lambda job, details, _: job.revise(details),
    visible=_visible,
    check=_check_references,
    before_update=_before_update,
)
jobs = Crud(JOBS)

get_job = jobs.get
list_jobs = jobs.list


@dataclass(frozen=True, slots=True)
class NewJob:
    """What creating a job takes: its details and, optionally, the maintenance alert it is
    booked for (DONE when the job completes)."""

    details: JobDetails
    maintenance_alert_id: int | None = None


async def create_job(actor: Actor, uow: UnitOfWork, clock: Clock, new: JobDetails | NewJob) -> Job:
    """Schedule a job; one booked for a maintenance alert must name an open alert of the
    job's customer (422 naming `maintenance_alert_id` otherwise)."""
    if isinstance(new, JobDetails):
        new = NewJob(new)
    alert_id = new.maintenance_alert_id
    if alert_id is None:
        return await jobs.create(actor, uow, clock, new.details)

    async def link(uow: UnitOfWork, job: Job) -> None:
        await link_alert(uow, job, alert_id)

    return await jobs.create(actor, uow, clock, new.details, link)


async def update_job(actor: Actor, uow: UnitOfWork, job_id: int, details: JobDetails) -> Job:
    """Edit an open job's details; its status moves only through start/complete/cancel.

    A technician may edit only the notes of a job assigned to them.
    """
    return await jobs.update(actor, uow, None, job_id, details)


async def delete_job(actor: Actor, uow: UnitOfWork, job_id: int) -> None:
    """Delete a job nothing references (Conflict when payments or expenses point at it)."""
    await jobs.delete(actor, uow, None, job_id)


async def _move(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    job_id: int,
    step: Callable[[Job, datetime], None],
) -> Job:
    async with uow:
        job = await jobs.find(uow, actor, job_id)
        authorize(actor, Permission.WORK_JOBS)
        step(job, clock.now())
        await uow.jobs.update(job)
        await uow.commit()
    return job


async def start_job(actor: Actor, uow: UnitOfWork, clock: Clock, job_id: int) -> Job:
    """SCHEDULED → IN_PROGRESS."""
    return await _move(actor, uow, clock, job_id, Job.start)


async def complete_job(actor: Actor, uow: UnitOfWork, clock: Clock, job_id: int) -> Job:
    """IN_PROGRESS → COMPLETED, stamping the completion date.

    A job that names an appliance records the service on it in the same transaction
    (its lastServiceDate only ever moves forward); a job booked for a maintenance alert
    closes it (DONE).
    """
    async with uow:
        job = await jobs.find(uow, actor, job_id)
        authorize(actor, Permission.WORK_JOBS)
        now = clock.now()
        job.complete(now)
        await uow.jobs.update(job)
        await _record_service(uow, job, now)
        await close_alert_of(uow, actor, clock, job)
        await uow.commit()
    return job


async def _record_service(uow: UnitOfWork, job: Job, now: datetime) -> None:
    if job.details.appliance_id is None:
        return
    assert job.id is not None and job.completion_date is not None
    appliance = await uow.appliances.get(job.details.appliance_id)
    if appliance is not None and appliance.record_service(job.id, job.completion_date, now):
        await uow.appliances.update(appliance)


async def cancel_job(actor: Actor, uow: UnitOfWork, clock: Clock, job_id: int) -> Job:
    """SCHEDULED or IN_PROGRESS → CANCELLED."""
    return await _move(actor, uow, clock, job_id, Job.cancel)
