"""Job use cases: schedule, read, revise, list, delete, and the lifecycle moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime

from application.access import (
    Actor,
    Permission,
    authorize,
    authorize_read,
    limited_to_own_work,
    require_job_visible,
    scoped,
)
from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import PermissionDenied, ValidationFailed
from domain.job import Job, JobDetails


async def _check_references(uow: UnitOfWork, details: JobDetails, assigning: bool) -> None:
    await require(uow.customers, "customer", details.customer_id, "customer_id")
    if details.technician_id is not None:
        technician = await require(
            uow.technicians, "technician", details.technician_id, "technician_id"
        )
        if assigning and not technician.details.active:
            raise ValidationFailed.single("technician_id", "technician is not active")
    if details.appliance_id is not None:
        appliance = await require(uow.appliances, "appliance", details.appliance_id, "appliance_id")
        if appliance.details.customer_id != details.customer_id:
            raise ValidationFailed.single(
                "appliance_id", "the appliance belongs to another customer"
            )


async def create_job(actor: Actor, uow: UnitOfWork, clock: Clock, details: JobDetails) -> Job:
    """Schedule a job for an existing customer, optionally assigned to an active technician."""
    authorize(actor, Permission.WRITE_BUSINESS)
    job = Job.schedule(details, clock.now())
    async with uow:
        await _check_references(uow, job.details, assigning=True)
        job = await uow.jobs.add(job)
        await uow.commit()
    return job


async def _visible(actor: Actor, uow: UnitOfWork, job_id: int) -> Job:
    job = await require(uow.jobs, "job", job_id)
    require_job_visible(actor, job)
    return job


async def get_job(actor: Actor, uow: UnitOfWork, job_id: int) -> Job:
    """One job, or NotFound (a technician sees only the jobs assigned to them)."""
    authorize_read(actor)
    async with uow:
        return await _visible(actor, uow, job_id)


def _authorize_edit(actor: Actor, job: Job, details: JobDetails) -> None:
    """Staff edit everything; a technician only the notes of their own job."""
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


async def update_job(actor: Actor, uow: UnitOfWork, job_id: int, details: JobDetails) -> Job:
    """Edit an open job's details; its status moves only through start/complete/cancel.

    A technician may edit only the notes of a job assigned to them.
    """
    async with uow:
        job = await _visible(actor, uow, job_id)
        _authorize_edit(actor, job, details)
        reassigning = details.technician_id != job.details.technician_id
        job.revise(details)
        await _check_references(uow, job.details, assigning=reassigning)
        await uow.jobs.update(job)
        await uow.commit()
    return job


async def list_jobs(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Job]:
    """A page of jobs, filterable by customer, technician and status (a technician: only
    the jobs assigned to them)."""
    authorize_read(actor)
    visible = scoped(actor, query, by="technician_id")
    if visible is None:
        return Page([], 0, query.limit, query.offset)
    async with uow:
        return await uow.jobs.list(visible)


async def delete_job(actor: Actor, uow: UnitOfWork, job_id: int) -> None:
    """Delete a job nothing references (Conflict when payments or expenses point at it)."""
    async with uow:
        await _visible(actor, uow, job_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        await remove(uow.jobs, "job", job_id)
        await uow.commit()


async def _move(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    job_id: int,
    step: Callable[[Job, datetime], None],
) -> Job:
    async with uow:
        job = await _visible(actor, uow, job_id)
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
    (its lastServiceDate only ever moves forward).
    """
    async with uow:
        job = await _visible(actor, uow, job_id)
        authorize(actor, Permission.WORK_JOBS)
        now = clock.now()
        job.complete(now)
        await uow.jobs.update(job)
        await _record_service(uow, job, now)
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
