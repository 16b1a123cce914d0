"""/messages: the outbox — what was and will be sent to customers; cancel a scheduled one."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, post
from litestar.status_codes import HTTP_200_OK

from application.messaging import messages as uc
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus, Purpose
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import CUSTOMER_ID, status_filter
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Out,
    attributes_to,
)


class MessageOut(Out):
    id: int
    customer_id: int
    follow_up_id: int | None
    job_id: int | None
    purpose: Purpose
    channel: ContactMethod
    recipient: str
    body: str
    language: str
    scheduled_for: datetime
    status: MessageStatus
    provider_message_id: str | None
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


message_out = attributes_to(MessageOut)


class MessageCancel(Controller):
    @post(
        "/{message_id:int}/cancel",
        operation_id="cancelMessage",
        status_code=HTTP_200_OK,
    )
    async def cancel(
        self, actor: ActorDep, message_id: PathId, uow: Uow, clock: ClockDep
    ) -> MessageOut:
        """Cancel a SCHEDULED message (409 once it is being sent or was sent)."""
        return message_out(await uc.cancel_message(actor, uow, clock, message_id))


MESSAGES: HttpResource[Message] = HttpResource(
    singular="Message",
    out=MessageOut,
    to_out=message_out,
    filters=(CUSTOMER_ID, status_filter(MessageStatus)),
    list=uc.list_messages,
    get=uc.get_message,
)
MessageController = resource_controller(MESSAGES, MessageCancel)
