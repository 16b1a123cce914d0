"""/jobs, with the lifecycle moves /start, /complete, /cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from application import jobs as uc
from domain.job import Job, JobDetails, JobStatus
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.wire import (
    CustomerIdFilter,
    Id,
    In,
    Limit,
    LongText,
    Offset,
    Out,
    PageOut,
    ShortText,
    TechnicianIdFilter,
    Text,
    list_query,
    page_out,
)


class JobIn(In):
    customer_id: Id
    description: Text
    scheduled_for: datetime
    technician_id: Id | None = None
    appliance: ShortText | None = None
    notes: LongText | None = None
    appliance_id: Id | None = None

    def details(self) -> JobDetails:
        return JobDetails(
            self.customer_id,
            self.description,
            self.scheduled_for,
            self.technician_id,
            self.appliance,
            self.notes,
            self.appliance_id,
        )


class JobOut(Out):
    id: int
    customer_id: int
    technician_id: int | None
    description: str
    appliance: str | None
    appliance_id: int | None
    notes: str | None
    scheduled_for: datetime
    status: JobStatus
    started_at: datetime | None
    completion_date: datetime | None
    cancelled_at: datetime | None
    created_at: datetime


def job_out(j: Job) -> JobOut:
    d = j.details
    assert j.id is not None
    return JobOut(
        id=j.id,
        customer_id=d.customer_id,
        technician_id=d.technician_id,
        description=d.description,
        appliance=d.appliance,
        appliance_id=d.appliance_id,
        notes=d.notes,
        scheduled_for=d.scheduled_for,
        status=j.status,
        started_at=j.started_at,
        completion_date=j.completion_date,
        cancelled_at=j.cancelled_at,
        created_at=j.created_at,
    )


class JobController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @post("/", operation_id="createJob")
    async def create(
        self, actor: ActorDep, data: JSONBody[JobIn], uow: Uow, clock: ClockDep
    ) -> JobOut:
        return job_out(await uc.create_job(actor, uow, clock, data.details()))

    @get("/", operation_id="listJobs")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
        technician_id: TechnicianIdFilter = None,
        status: Annotated[JobStatus | None, QueryParameter(name="status")] = None,
    ) -> PageOut[JobOut]:
        query = list_query(
            limit,
            offset,
            customer_id=customer_id,
            technician_id=technician_id,
            status=status.value if status else None,
        )
        return page_out(await uc.list_jobs(actor, uow, query), job_out)

    @get("/{job_id:int}", operation_id="getJob")
    async def get_one(self, actor: ActorDep, job_id: PathId, uow: Uow) -> JobOut:
        return job_out(await uc.get_job(actor, uow, job_id))

    @put("/{job_id:int}", operation_id="updateJob")
    async def update(
        self, actor: ActorDep, job_id: PathId, data: JSONBody[JobIn], uow: Uow
    ) -> JobOut:
        return job_out(await uc.update_job(actor, uow, job_id, data.details()))

    @delete("/{job_id:int}", operation_id="deleteJob", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: ActorDep, job_id: PathId, uow: Uow) -> None:
        await uc.delete_job(actor, uow, job_id)

    @post("/{job_id:int}/start", operation_id="startJob", status_code=HTTP_200_OK)
    async def start(self, actor: ActorDep, job_id: PathId, uow: Uow, clock: ClockDep) -> JobOut:
        return job_out(await uc.start_job(actor, uow, clock, job_id))

    @post("/{job_id:int}/complete", operation_id="completeJob", status_code=HTTP_200_OK)
    async def complete(self, actor: ActorDep, job_id: PathId, uow: Uow, clock: ClockDep) -> JobOut:
        return job_out(await uc.complete_job(actor, uow, clock, job_id))

    @post("/{job_id:int}/cancel", operation_id="cancelJob", status_code=HTTP_200_OK)
    async def cancel(self, actor: ActorDep, job_id: PathId, uow: Uow, clock: ClockDep) -> JobOut:
        return job_out(await uc.cancel_job(actor, uow, clock, job_id))
