"""POST /jobs/{id}/assign: put a technician on a job, if the rules allow (staff only).

The rules are the domain's (`domain.assignment`): the job is open, the technician is active,
skilled for the job's appliance and not double-booked in the job's slot. A broken rule is a
Conflict naming it. The assignment is written to the audit trail with the job.
"""

from __future__ import annotations

from application import audit
from application.access import Actor, Permission, authorize
from application.jobs import jobs
from application.lookups import require
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.assignment import check_assignable, job_appliance_type, overlapping_starts
from domain.audit import AuditAction, AuditedEntity
from domain.job import Job


async def appliance_type_of(uow: UnitOfWork, job: Job) -> str | None:
    """The job's appliance kind: its appliance record's type, its text, its description."""
    appliance_id = job.details.appliance_id
    appliance = await uow.appliances.get(appliance_id) if appliance_id is not None else None
    return job_appliance_type(job, appliance.details.type if appliance else None)


async def assign_technician(
    actor: Actor, uow: UnitOfWork, clock: Clock, job_id: int, technician_id: int
) -> Job:
    """Assign `technician_id` to the job: NotFound (job, or the technician named by
    `technician_id`), PermissionDenied for technicians, Conflict when a rule is broken.
    Assigning the technician the job already has changes nothing."""
    async with uow:
        job = await jobs.find(uow, actor, job_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        technician = await require(uow.technicians, "technician", technician_id, "technician_id")
        assert job.id is not None
        after, before = overlapping_starts(job)
        booked = await uow.jobs.booked_between(technician_id, after, before, job.id)
        check_assignable(job, technician, await appliance_type_of(uow, job), booked)
        previous = job.details.technician_id
        if previous == technician_id:
            return job  # already theirs: nothing changes, nothing is recorded
        job.details.technician_id = technician_id
        await uow.jobs.update(job)
        await audit.record(
            uow,
            actor,
            clock.now(),
            AuditAction.ASSIGN,
            AuditedEntity.JOB,
            job.id,
            job.details.customer_id,
            {"technician_id": [previous, technician_id]},
        )
        await uow.commit()
    return job
