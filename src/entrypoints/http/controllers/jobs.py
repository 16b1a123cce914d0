"""/jobs, with the lifecycle moves /start, /complete, /cancel."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application import jobs as uc
from application.job_assignment import assign_technician
from application.jobs import NewJob
from application.read_models.customer_view import JobItem
from domain.job import Job, JobDetails, JobStatus
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import CUSTOMER_ID, TECHNICIAN_ID, statuses_filter, time_filter
from entrypoints.http.resource_controller import HttpResource, Move, resource_controller
from entrypoints.http.wire import (
    Id,
    In,
    LongText,
    Out,
    ShortText,
    record_out,
    text_meta,
)
from entrypoints.http.wire_twins import CUSTOMER_LINK, view_record

Description = Annotated[str, text_meta(2000, required=True)]  # domain/job.py


class JobIn(In):
    customer_id: Id
    description: Description
    scheduled_for: datetime
    technician_id: Id | None = None
    appliance: ShortText | None = None
    notes: LongText | None = None
    appliance_id: Id | None = None

    def details(self) -> JobDetails:
        return self.fields_into(JobDetails)


class JobCreateIn(JobIn):
    """A new job; `maintenanceAlertId` books it for an open alert of the same customer,
    which becomes DONE when the job completes."""

    maintenance_alert_id: Id | None = None

    def details(self) -> NewJob:  # type: ignore[override]
        fields = msgspec.structs.asdict(self)
        alert_id = fields.pop("maintenance_alert_id")
        return NewJob(JobDetails(**fields), alert_id)


if TYPE_CHECKING:
    JobOut = Out
else:
    # The job as the Customer View shows it, with its customer and the alert it was booked for.
    JobOut = view_record(
        JobItem,
        "JobOut",
        {"id": (CUSTOMER_LINK,), "created_at": (("maintenance_alert_id", int | None),)},
    )


def job_out(j: Job) -> JobOut:
    return record_out(JobOut, j)


class AssignIn(In):
    technician_id: Id


class JobAssignment(Controller):
    """Assigning a technician, next to the generated CRUD routes and lifecycle moves."""

    @post("/{job_id:int}/assign", operation_id="assignJob", status_code=HTTP_200_OK)
    async def assign(
        self, actor: ActorDep, job_id: PathId, data: JSONBody[AssignIn], uow: Uow, clock: ClockDep
    ) -> JobOut:
        """Assign a technician (staff only). 409 names the rule broken: the job is not open,
        the technician is not active, not skilled for the job's appliance, or double-booked
        (another of their jobs, not cancelled, starts less than 2 hours before or after)."""
        return job_out(await assign_technician(actor, uow, clock, job_id, data.technician_id))


JOBS: HttpResource[Job] = HttpResource(
    singular="Job",
    out=JobOut,
    to_out=job_out,
    filters=(
        CUSTOMER_ID,
        TECHNICIAN_ID,
        statuses_filter(JobStatus),
        time_filter("scheduled_from", "scheduledFrom", "scheduled at or after (inclusive)"),
        time_filter("scheduled_to", "scheduledTo", "scheduled before (exclusive)"),
    ),
    body=JobCreateIn,
    update_body=JobIn,
    crud=uc.jobs,
    create=uc.create_job,
    moves=(
        Move(
            "start",
            uc.start_job,
            "Start a SCHEDULED job: it becomes IN_PROGRESS (409 from any other status).",
        ),
        Move(
            "complete",
            uc.complete_job,
            "Complete an IN_PROGRESS job: it becomes COMPLETED (409 from any other status).",
        ),
        Move(
            "cancel",
            uc.cancel_job,
            "Cancel a job not yet finished: it becomes CANCELLED (409 once finished).",
        ),
    ),
)
JobController = resource_controller(JOBS, JobAssignment)
