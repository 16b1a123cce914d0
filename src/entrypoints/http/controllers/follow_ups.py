"""/follow-ups: checking in with a customer after a job, along the follow-up state machine."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Response, post
from litestar.params import JSONBody

from application import follow_up_actions as actions
from application import follow_ups as uc
from domain.contact_preferences import ContactMethod
from domain.follow_up import FollowUp, FollowUpStatus
from domain.messaging.message import Purpose
from entrypoints.http.controllers.messages import MessageOut, message_out
from entrypoints.http.created_location import LOCATION_HEADER, created_at
from entrypoints.http.deps import ActorDep, ClockDep, PathId, SettingsDep, Uow
from entrypoints.http.list_params import CUSTOMER_ID, JOB_ID, status_filter
from entrypoints.http.rate_limits import message_rate_limit
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Id,
    In,
    LongText,
    MessageBody,
    Out,
    Rating,
    ShortText,
    attributes_to,
)


class FollowUpMessageIn(In):
    """A message to queue with the follow-up; the follow-up becomes SCHEDULED."""

    body: MessageBody
    channel: ContactMethod | None = None  # default: the customer's preferred channel
    scheduled_for: datetime | None = None  # default: the follow-up date, else now
    purpose: Purpose = Purpose.TRANSACTIONAL

    def wanted(self) -> uc.FollowUpMessage:
        return uc.FollowUpMessage(self.body, self.channel, self.scheduled_for, self.purpose)


class FollowUpIn(In):
    job_id: Id
    customer_id: Id | None = None
    follow_up_date: datetime | None = None
    satisfaction_rating: Rating | None = None
    feedback: LongText | None = None
    message: FollowUpMessageIn | None = None

    def new(self) -> uc.NewFollowUp:
        return uc.NewFollowUp(
            job_id=self.job_id,
            customer_id=self.customer_id,
            follow_up_date=self.follow_up_date,
            satisfaction_rating=self.satisfaction_rating,
            feedback=self.feedback,
            message=self.message.wanted() if self.message is not None else None,
        )


class FollowUpUpdateIn(In):
    """Every field optional: a missing one is left as it is."""

    status: FollowUpStatus | None = None
    follow_up_date: datetime | None = None
    satisfaction_rating: Rating | None = None
    feedback: LongText | None = None

    def details(self) -> uc.FollowUpChanges:
        return self.fields_into(uc.FollowUpChanges)


class FollowUpOut(Out):
    id: int
    job_id: int
    customer_id: int
    status: FollowUpStatus
    follow_up_date: datetime | None
    satisfaction_rating: int | None
    feedback: str | None
    suggestion: str | None  # a suggested next action, from the daily suggestion pass
    created_at: datetime


follow_up_out = attributes_to(FollowUpOut)


class FollowUpSendIn(In):
    """Edits to the suggestion before it is sent; a missing field keeps the suggestion's."""

    body: MessageBody | None = None  # default: the suggestion's action
    channel: ContactMethod | None = None  # default: the suggestion's channel, else preferred
    scheduled_for: datetime | None = None  # default: the suggestion's time, else now
    purpose: Purpose = Purpose.TRANSACTIONAL

    def edits(self) -> actions.SendEdits:
        return self.fields_into(actions.SendEdits)


class FollowUpSentOut(Out):
    """The follow-up (now SCHEDULED) and the message queued for it."""

    follow_up: FollowUpOut
    message: MessageOut


class FollowUpDismissIn(In):
    reason: ShortText | None = None  # kept in the audit trail


def sent_out(sent: actions.SentFollowUp) -> FollowUpSentOut:
    return FollowUpSentOut(
        follow_up=follow_up_out(sent.follow_up), message=message_out(sent.message)
    )


class FollowUpCreate(Controller):
    # A follow-up may queue a message to the customer: a per-user budget bounds the sends.
    @post(
        "/",
        operation_id="createFollowUp",
        middleware=[message_rate_limit().middleware],
        response_headers=[LOCATION_HEADER],
    )
    async def create(
        self, actor: ActorDep, data: JSONBody[FollowUpIn], uow: Uow, clock: ClockDep
    ) -> Response[FollowUpOut]:
        created = await uc.create_follow_up(actor, uow, clock, data.new())
        return created_at("/follow-ups", follow_up_out(created))

    @post(
        "/{follow_up_id:int}/send",
        operation_id="sendFollowUp",
        middleware=[message_rate_limit().middleware],
        response_headers=[LOCATION_HEADER],
    )
    async def send(
        self,
        actor: ActorDep,
        follow_up_id: PathId,
        uow: Uow,
        clock: ClockDep,
        settings: SettingsDep,
        data: JSONBody[FollowUpSendIn | None] = None,
    ) -> Response[FollowUpSentOut]:
        """Send a PENDING (suggested) follow-up as a message (409 for any other status).

        Left as the suggestion wrote it, the body is AI text: the message is
        PENDING_APPROVAL until staff approve it (`POST /messages/{id}/approve`), unless
        AI_AUTO_APPROVE_PURPOSES names its purpose. A body sent in the request is queued."""
        edits = data.edits() if data is not None else actions.SendEdits()
        auto = settings.llm.auto_approved
        sent = sent_out(await actions.send_follow_up(actor, uow, clock, follow_up_id, edits, auto))
        return created_at("/messages", sent, record_id=sent.message.id)  # the message created

    @post("/{follow_up_id:int}/dismiss", operation_id="dismissFollowUp", status_code=200)
    async def dismiss(
        self,
        actor: ActorDep,
        follow_up_id: PathId,
        uow: Uow,
        clock: ClockDep,
        data: JSONBody[FollowUpDismissIn | None] = None,
    ) -> FollowUpOut:
        """Close a PENDING follow-up unsent: it becomes CANCELLED (409 for any other status)."""
        reason = data.reason if data is not None else None
        return follow_up_out(
            await actions.dismiss_follow_up(actor, uow, clock, follow_up_id, reason)
        )


FOLLOW_UPS: HttpResource[FollowUp] = HttpResource(
    singular="FollowUp",
    out=FollowUpOut,
    to_out=follow_up_out,
    filters=(CUSTOMER_ID, status_filter(FollowUpStatus), JOB_ID),
    update_body=FollowUpUpdateIn,
    list=uc.list_follow_ups,
    get=uc.get_follow_up,
    update=uc.follow_ups.update,
)
FollowUpController = resource_controller(FOLLOW_UPS, FollowUpCreate)
