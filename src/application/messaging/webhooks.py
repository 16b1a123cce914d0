"""Provider callbacks: delivery status updates and inbound replies (STOP, START, HELP,
feedback). Both are idempotent: a repeated webhook (same token) changes nothing, and a
status only ever moves a message forward."""

from __future__ import annotations

import enum
import hashlib
import logging
from collections.abc import Callable

from application import audit
from application.access import SYSTEM
from application.messaging.lifecycle import advance, store
from application.pagination import MAX_PAGE_SIZE, ListQuery
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.audit_fields import opt_out_changes
from domain.contact_preferences import ContactMethod
from domain.follow_up import FOLLOW_UP_TRANSITIONS, FollowUp, FollowUpStatus
from domain.messaging.consent import Consent, ConsentChange, Keyword, keyword_of
from domain.messaging.message import MessageStatus
from domain.validation import mask_phone

log = logging.getLogger(__name__)

M = MessageStatus
UowFactory = Callable[[], UnitOfWork]
CONSENT_SOURCE = "twilio-inbound"
MAX_TOKEN = 200
MAX_FEEDBACK = 5000
CAS_ATTEMPTS = 3
# The message statuses Twilio reports (status callbacks and fetches), as ours. Anything
# the provider still holds counts as SENT: ours means "handed to the provider".
PROVIDER_STATUSES: dict[str, MessageStatus] = {
    "accepted": M.SENT,
    "scheduled": M.SENT,
    "queued": M.SENT,
    "sending": M.SENT,
    "sent": M.SENT,
    "delivered": M.DELIVERED,
    "read": M.DELIVERED,
    "undelivered": M.UNDELIVERED,
    "failed": M.FAILED,
}
HELP_REPLY = (
    "{shop}: this number sends service updates about your appointments. "
    "Reply STOP to opt out, START to opt back in. Msg&data rates may apply."
)
OPEN_FOLLOW_UP = frozenset(s for s, nxt in FOLLOW_UP_TRANSITIONS.items() if nxt)
# A reply most likely answers a follow-up we contacted the customer about.
CONTACTED = frozenset({FollowUpStatus.SENT, FollowUpStatus.NO_RESPONSE})


class CallbackOutcome(enum.StrEnum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"  # late, repeated or out of order: nothing to move
    DUPLICATE = "duplicate"  # this webhook token was already processed
    UNKNOWN_MESSAGE = "unknown_message"
    UNKNOWN_STATUS = "unknown_status"


def map_provider_status(value: str) -> MessageStatus | None:
    """Our status for a status string the provider reported; None if it has no meaning
    for us (e.g. "receiving", "canceled")."""
    return PROVIDER_STATUSES.get(value.strip().lower())


def _token(token: str | None) -> str | None:
    if not token:
        return None
    if len(token) <= MAX_TOKEN:
        return token
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


async def apply_status_callback(
    uow_factory: UowFactory,
    clock: Clock,
    provider_message_id: str,
    provider_status: str,
    token: str | None,
    error_code: str | None = None,
) -> str:
    """Apply a delivery status the provider reported for one of our messages; returns
    the `CallbackOutcome`. Unknown messages are ignored without remembering the token,
    so a redelivery after the sender recorded the id is still applied."""
    token = _token(token)
    reported = map_provider_status(provider_status)
    for _ in range(CAS_ATTEMPTS):
        now = clock.now()
        async with uow_factory() as uow:
            if token is not None and not await uow.webhook_events.remember(token, now):
                return CallbackOutcome.DUPLICATE
            message = await uow.messages.get_by_provider_id(provider_message_id)
            if message is None:
                log.info("status callback for unknown message %s ignored", provider_message_id)
                return CallbackOutcome.UNKNOWN_MESSAGE
            if reported is None:
                await uow.commit()
                return CallbackOutcome.UNKNOWN_STATUS
            previous = message.status
            if not advance(message, reported, now):
                await uow.commit()
                return CallbackOutcome.UNCHANGED
            if error_code and message.status in (M.FAILED, M.UNDELIVERED):
                message.last_error = f"provider error {error_code[:20]}"
            if await store(uow, message, previous):
                await uow.commit()
                return CallbackOutcome.APPLIED
        # Another writer moved the message meanwhile: roll back (token too), read again.
    return CallbackOutcome.UNCHANGED


async def handle_inbound(
    uow_factory: UowFactory,
    clock: Clock,
    from_number: str,
    body: str,
    channel: ContactMethod,
    token: str | None,
    shop_name: str = "the shop",
) -> str | None:
    """Act on a message a customer sent us; returns the reply to send back, if any.

    STOP words opt the number out of `channel` (recorded with time and source), START
    words opt it back in, HELP gets the help text; anything else is stored as feedback
    on the customer's latest open follow-up. A number no customer has is ignored.
    """
    phone = from_number.strip().removeprefix("whatsapp:").strip()
    keyword = keyword_of(body)
    reply = HELP_REPLY.format(shop=shop_name) if keyword is Keyword.HELP else None
    token = _token(token)
    now = clock.now()
    async with uow_factory() as uow:
        if token is not None and not await uow.webhook_events.remember(token, now):
            return reply
        customers = await uow.customers.find_by_phone(phone)
        if not customers:
            log.info(
                "inbound %s message from unknown number %s ignored", channel, mask_phone(phone)
            )
            return reply
        if keyword in (Keyword.STOP, Keyword.START):
            change = ConsentChange(channel, keyword is Keyword.STOP, now, CONSENT_SOURCE)
            for customer in customers:  # the number opts out, whoever it is recorded for
                assert customer.id is not None
                await _change_consent(uow, customer.id, change, keyword)
            log.info("%s %s by %s", mask_phone(phone), keyword, channel)
        elif keyword is Keyword.NONE:
            await _store_feedback(uow, [c.id for c in customers if c.id is not None], body, phone)
        await uow.commit()
    return reply


async def _change_consent(
    uow: UnitOfWork, customer_id: int, change: ConsentChange, keyword: Keyword
) -> None:
    """Record the opt-out (or opt-in) and its audit entry; the system acts, no user."""
    before = Consent.from_changes(await uow.consents.changes(customer_id))
    await uow.consents.record(customer_id, change)
    action = AuditAction.OPT_OUT if change.opted_out else AuditAction.OPT_IN
    changes = opt_out_changes(before, change.channel, change.opted_out)
    source = f"{change.channel.value.lower()} {keyword.value}"
    await audit.record(
        uow,
        SYSTEM,
        change.at,
        action,
        AuditedEntity.CONSENT,
        customer_id,
        customer_id,
        changes,
        source,
    )


async def _store_feedback(uow: UnitOfWork, customer_ids: list[int], body: str, phone: str) -> None:
    text = body.replace("\x00", "").strip()
    if not text:
        return
    candidates = [f for cid in customer_ids if (f := await _open_follow_up(uow, cid)) is not None]
    if not candidates:
        log.info("reply from %s has no open follow-up to attach to; ignored", mask_phone(phone))
        return
    follow_up = max(candidates, key=lambda f: (f.status in CONTACTED, f.id or 0))
    combined = f"{follow_up.feedback}\n{text}" if follow_up.feedback else text
    follow_up.record_feedback(None, combined[-MAX_FEEDBACK:])
    await uow.follow_ups.update(follow_up)


async def _open_follow_up(uow: UnitOfWork, customer_id: int) -> FollowUp | None:
    """The customer's latest follow-up we contacted them about (SENT, NO_RESPONSE), else
    their latest open one."""
    latest_open: FollowUp | None = None
    offset = 0
    while True:
        query = ListQuery(MAX_PAGE_SIZE, offset, {"customer_id": customer_id})
        page = await uow.follow_ups.list(query)
        for follow_up in page.items:  # newest first
            if follow_up.status in CONTACTED:
                return follow_up
            if latest_open is None and follow_up.status in OPEN_FOLLOW_UP:
                latest_open = follow_up
        offset += MAX_PAGE_SIZE
        if offset >= page.total:
            return latest_open
