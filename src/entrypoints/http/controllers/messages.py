"""/messages: the outbox — what was and will be sent to customers; cancel a scheduled one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK

from application.messaging import messages as uc
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus, Purpose
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.wire import (
    CustomerIdFilter,
    Limit,
    Offset,
    Out,
    PageOut,
    list_query,
    page_out,
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


def message_out(m: Message) -> MessageOut:
    assert m.id is not None
    return MessageOut(
        id=m.id,
        customer_id=m.customer_id,
        follow_up_id=m.follow_up_id,
        job_id=m.job_id,
        purpose=m.purpose,
        channel=m.channel,
        recipient=m.recipient,
        body=m.body,
        language=m.language,
        scheduled_for=m.scheduled_for,
        status=m.status,
        provider_message_id=m.provider_message_id,
        attempts=m.attempts,
        last_error=m.last_error,
        sent_at=m.sent_at,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


class MessageController(Controller):
    path = "/messages"
    tags = ["messages"]

    @get("/", operation_id="listMessages")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
        status: Annotated[MessageStatus | None, QueryParameter(name="status")] = None,
    ) -> PageOut[MessageOut]:
        query = list_query(
            limit, offset, customer_id=customer_id, status=status.value if status else None
        )
        return page_out(await uc.list_messages(actor, uow, query), message_out)

    @get("/{message_id:int}", operation_id="getMessage")
    async def get_one(self, actor: ActorDep, message_id: PathId, uow: Uow) -> MessageOut:
        return message_out(await uc.get_message(actor, uow, message_id))

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
