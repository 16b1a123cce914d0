"""A message a customer sent us: STOP, START, HELP or a reply to a follow-up.

The provider adapter hands over a plain phone number, the channel and its own name (e.g.
"twilio-inbound", kept as the consent entry's note; the entry's source is `sms STOP` etc.).
Idempotent by the webhook's token."""

from __future__ import annotations

import logging
from datetime import datetime

from application import audit
from application.access import SYSTEM
from application.consent import append_entries, current_consent
from application.outbox.callbacks import receipt_token
from application.outbox.claim import UowFactory
from application.outbox.replies import take_reply
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.audit_fields import opt_out_changes
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.messaging.consent import Keyword, keyword_entries, keyword_of, keyword_source
from domain.validation import mask_phone

log = logging.getLogger(__name__)

INBOUND = "inbound"  # the consent source when the provider names none
HELP_REPLY = (
    "{shop}: this number sends service updates about your appointments. "
    "Reply STOP to opt out, START to opt back in. Msg&data rates may apply."
)


async def handle_inbound(
    uow_factory: UowFactory,
    clock: Clock,
    phone: str,
    body: str,
    channel: ContactMethod,
    token: str | None,
    shop_name: str = "the shop",
    source: str = INBOUND,
) -> str | None:
    """Act on a message a customer sent us; returns the reply to send back, if any.

    STOP words opt the number out of `channel` (recorded with time and source), START
    words opt it back in, HELP gets the help text; anything else is a reply: a rating
    answers the customer's latest survey, other text is feedback (see `outbox.replies`).
    A number no customer has is ignored.
    """
    keyword = keyword_of(body)
    reply = HELP_REPLY.format(shop=shop_name) if keyword is Keyword.HELP else None
    phone, token = phone.strip(), receipt_token(token)
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
            for customer in customers:  # the number opts out, whoever it is recorded for
                await _change_consent(uow, customer, channel, keyword, now, f"via {source}")
            log.info("%s %s by %s", mask_phone(phone), keyword, channel)
        elif keyword is Keyword.NONE:
            await take_reply(uow, [c.id for c in customers if c.id is not None], body, phone, now)
        await uow.commit()
    return reply


async def _change_consent(
    uow: UnitOfWork,
    customer: Customer,
    channel: ContactMethod,
    keyword: Keyword,
    now: datetime,
    note: str,
) -> None:
    """Append the STOP (both purposes) or START (transactional) entries and an audit entry;
    the system acts, no user."""
    assert customer.id is not None
    before = await current_consent(uow, customer.id)
    if await append_entries(uow, customer, keyword_entries(channel, keyword, now, note)):
        await uow.customers.update(customer)
    opted_out = keyword is Keyword.STOP
    action = AuditAction.OPT_OUT if opted_out else AuditAction.OPT_IN
    changes = opt_out_changes(before, channel, opted_out)
    await audit.record(
        uow,
        SYSTEM,
        now,
        action,
        AuditedEntity.CONSENT,
        customer.id,
        customer.id,
        changes,
        keyword_source(channel, keyword),
    )
