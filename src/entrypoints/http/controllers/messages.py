"""/messages: the outbox — what was and will be sent to customers; post one without a job
(idempotent per `Idempotency-Key`), cancel a scheduled one, approve or reject one an insight
wrote (PENDING_APPROVAL), resolve one whose outcome is unknown (NEEDS_REVIEW)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.messaging import messages as uc
from application.messaging.approval import approve_message, reject_message
from application.messaging.post_message import NewMessage, post_message
from domain.contact_preferences import ContactMethod
from domain.messaging.message import Message, MessageStatus, Purpose
from domain.messaging.review import Resolution
from entrypoints.http.created_location import LOCATION_HEADER, created_at
from entrypoints.http.deps import ActorDep, ClockDep, PathId, SettingsDep, Uow
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
    # The insight generation whose text `body` is (e.g. a greeting): held for approval.
    generation_id: Id | None = None

    def new(self) -> NewMessage:
        return self.fields_into(NewMessage)


class MessageApprovalIn(In):
    """Staff's edit of the AI-written text; omitted: the text is approved as it is."""

    body: MessageBody | None = None


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
        response_headers=[LOCATION_HEADER],
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
        settings: SettingsDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[MessageOut]:
        """Queue a message to a customer (sent at once when due now) through the outbox.
        With `generationId` (the body is an insight's text, e.g. a greeting) it is
        PENDING_APPROVAL until approved, unless AI_AUTO_APPROVE_PURPOSES names its purpose."""
        auto = settings.llm.auto_approved
        posted = await post_message(actor, uow, clock, data.new(), idempotency_key, auto)
        status = HTTP_201_CREATED if posted.created else HTTP_200_OK
        return created_at("/messages", message_out(posted.message), status)

    @post("/{message_id:int}/approve", operation_id="approveMessage", status_code=HTTP_200_OK)
    async def approve(
        self,
        actor: ActorDep,
        message_id: PathId,
        uow: Uow,
        clock: ClockDep,
        data: JSONBody[MessageApprovalIn | None] = None,
    ) -> MessageOut:
        """Approve a PENDING_APPROVAL message (AI-written), optionally with an edited body:
        it becomes SCHEDULED and the outbox sends it at its time (409 in any other status)."""
        body = data.body if data is not None else None
        return message_out(await approve_message(actor, uow, clock, message_id, body))

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
        Move(
            "reject",
            reject_message,
            "Reject a PENDING_APPROVAL message (AI-written): it becomes CANCELLED and is never "
            "sent (409 in any other status).",
        ),
    ),
)
MessageController = resource_controller(MESSAGES, MessageActions)
