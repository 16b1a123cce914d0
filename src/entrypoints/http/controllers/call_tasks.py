"""/call-tasks: the office's call list (oldest first); complete a call with its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application.messaging import call_tasks as uc
from domain.messaging.call_task import MAX_NOTE, CallOutcome, CallTask, CallTaskStatus
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import CUSTOMER_ID, status_filter
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import In, Out, attributes_to, text_meta


class CallTaskOut(Out):
    id: int
    customer_id: int
    message_id: int | None
    body: str
    status: CallTaskStatus
    outcome: CallOutcome | None
    note: str | None
    completed_at: datetime | None
    completed_by: int | None
    created_at: datetime


call_task_out = attributes_to(CallTaskOut)


CallNote = Annotated[str, text_meta(MAX_NOTE)]


class CompleteCallIn(In):
    outcome: CallOutcome
    note: CallNote | None = None


class CallTaskCompletion(Controller):
    @post("/{call_task_id:int}/complete", operation_id="completeCallTask", status_code=HTTP_200_OK)
    async def complete(
        self,
        actor: ActorDep,
        call_task_id: PathId,
        data: JSONBody[CompleteCallIn],
        uow: Uow,
        clock: ClockDep,
    ) -> CallTaskOut:
        """Record the call's outcome; it settles the message (409 when already completed)."""
        task = await uc.complete_call_task(actor, uow, clock, call_task_id, data.outcome, data.note)
        return call_task_out(task)


CALL_TASKS: HttpResource[CallTask] = HttpResource(
    singular="CallTask",
    out=CallTaskOut,
    to_out=call_task_out,
    filters=(status_filter(CallTaskStatus), CUSTOMER_ID),
    list=uc.list_call_tasks,
    get=uc.get_call_task,
)
CallTaskController = resource_controller(CALL_TASKS, CallTaskCompletion)
