"""/messages: the outbox — what was and will be sent to customers; post one without a job
(idempotent per `Idempotency-Key`), cancel a scheduled one, resolve one whose outcome is
unknown (NEEDS_REVIEW)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.messaging import messages as uc
from application.messaging.post_message import NewMessage, post_message
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus, Purpose
from domain.messaging.review import Resolution
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import CUSTOMER_ID, status_filter
from entrypoints.http.rate_limits import message_rate_limit
from entrypoints.http.resource_controller import HttpResource, Move, resource_controller
from entrypoints.http.wire import (
    Id,
    In,
    MessageBody,
    Out,
    attributes_to,
)

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Repeat a request safely: the same key and body give back the same "
        "message (200); the same key with another body is 409. Keys are per user.",
    ),
]


class MessageIn(In):
    """A message to a customer, with or without a job."""

    customer_id: Id
    body: MessageBody
    purpose: Purpose
    channel: ContactMethod | None = None  # default: the customer's preferred channel
    scheduled_for: datetime | None = None  # default: now (sent at once)
    follow_up_id: Id | None = None  # a follow-up of the same customer

    def new(self) -> NewMessage:
        return self.fields_into(NewMessage)


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


class ResolutionIn(In):
    """What a person found at the provider (look the message up by its providerMessageId)."""

    outcome: Resolution


class MessageActions(Controller):
    # Posting queues a message to a customer: the per-user message budget bounds it.
    @post(
        "/",
        operation_id="createMessage",
        status_code=HTTP_201_CREATED,
        middleware=[message_rate_limit().middleware],
        responses={
            HTTP_200_OK: ResponseSpec(
                data_container=MessageOut,
                description="A repeat of an earlier request with the same Idempotency-Key: "
                "the message that request queued (nothing is sent again).",
            )
        },
    )
    async def create(
        self,
        actor: ActorDep,
        data: JSONBody[MessageIn],
        uow: Uow,
        clock: ClockDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[MessageOut]:
        """Queue a message to a customer (sent at once when due now) through the outbox."""
        posted = await post_message(actor, uow, clock, data.new(), idempotency_key)
        status = HTTP_201_CREATED if posted.created else HTTP_200_OK
        return Response(message_out(posted.message), status_code=status)

    @post("/{message_id:int}/resolve", operation_id="resolveMessage", status_code=HTTP_200_OK)
    async def resolve(
        self,
        actor: ActorDep,
        message_id: PathId,
        data: JSONBody[ResolutionIn],
        uow: Uow,
        clock: ClockDep,
    ) -> MessageOut:
        """Settle a NEEDS_REVIEW message (staff): `SENT` records it as sent; `NOT_SENT`
        queues one new attempt, due now. Its follow-up moves with it; audited. 409 when the
        message is not NEEDS_REVIEW."""
        return message_out(await uc.resolve_message(actor, uow, clock, message_id, data.outcome))


MESSAGES: HttpResource[Message] = HttpResource(
    singular="Message",
    out=MessageOut,
    to_out=message_out,
    filters=(CUSTOMER_ID, status_filter(MessageStatus)),
    list=uc.list_messages,
    get=uc.get_message,
    moves=(
        Move(
            "cancel",
            uc.cancel_message,
            "Cancel a SCHEDULED message (409 once it is being sent or was sent).",
        ),
    ),
)
MessageController = resource_controller(MESSAGES, MessageActions)
