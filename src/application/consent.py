"""The consent ledger's use cases: read a customer's consent, record a change staff heard.

Every change of consent is an entry appended to the ledger (never updated or deleted: the
ledger is its own audit trail, with time, source and actor). The customer's
`marketing_consent` flag is a view of it: true while marketing is allowed on at least one
channel, rewritten by `append_entries` whenever an entry changes it.
"""

from __future__ import annotations

from application.access import (
    Actor,
    Permission,
    authorize,
    authorize_read,
    require_customer_visible,
)
from application.lookups import require
from application.pagination import ListQuery
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.read_models.consent import ConsentView, entry_item, state_items
from domain.contact_preferences import ContactMethod
from domain.customer import Customer
from domain.messaging.consent import Consent, ConsentEntry, marketing_entries, staff_source
from domain.messaging.message import Purpose

ENTITY = "customer"


async def current_consent(uow: UnitOfWork, customer_id: int) -> Consent:
    return Consent.from_entries(await uow.consents.latest(customer_id))


async def append_entries(uow: UnitOfWork, customer: Customer, entries: list[ConsentEntry]) -> bool:
    """Append `entries` and bring the customer's marketing flag in line with the ledger;
    True when the flag changed (the caller stores the customer)."""
    assert customer.id is not None
    for entry in entries:
        await uow.consents.append(customer.id, entry)
    marketing = (await current_consent(uow, customer.id)).marketing_anywhere()
    changed = customer.marketing_consent != marketing
    customer.marketing_consent = marketing
    return changed


async def record_marketing_flag(
    uow: UnitOfWork, actor: Actor, clock: Clock, customer: Customer, allowed: bool, source: str
) -> None:
    """The marketing flag set on the customer record: an entry for each channel whose
    marketing consent differs. Giving consent skips channels the customer opted out of
    (STOP): that stands until they START or staff record that channel explicitly."""
    assert customer.id is not None
    consent = await current_consent(uow, customer.id)
    channels = [
        c
        for c in ContactMethod
        if consent.permits(c, Purpose.MARKETING) != allowed
        and not (allowed and c in consent.opted_out)
    ]
    entries = marketing_entries(channels, allowed, clock.now(), source, actor.user_id)
    await append_entries(uow, customer, entries)


async def _view(uow: UnitOfWork, customer_id: int, history: ListQuery) -> ConsentView:
    entries, total = await uow.consents.history(customer_id, history.limit, history.offset)
    return ConsentView(
        state=state_items(await current_consent(uow, customer_id)),
        history=[entry_item(e) for e in entries],
        history_total=total,
    )


async def view_consent(
    actor: Actor, uow: UnitOfWork, customer_id: int, history: ListQuery
) -> ConsentView:
    """The customer's consent per channel x purpose and a page of its ledger, newest first.
    Staff, and technicians for customers of their own jobs (any other is NotFound)."""
    authorize_read(actor)
    async with uow.read_only():
        await require_customer_visible(uow, actor, customer_id)
        await require(uow.customers, ENTITY, customer_id)
        return await _view(uow, customer_id, history)


async def set_consent(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    customer_id: int,
    channel: ContactMethod,
    purpose: Purpose,
    allowed: bool,
    note: str | None,
    history: ListQuery,
) -> ConsentView:
    """Record a consent change the customer gave staff (by phone, on paper): an entry with
    source `staff:<user id>` and the user as actor. Staff only."""
    async with uow:
        await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.WRITE_BUSINESS)
        customer = await require(uow.customers, ENTITY, customer_id)
        source = staff_source(actor.user_id)
        entry = ConsentEntry(channel, purpose, allowed, clock.now(), source, actor.user_id, note)
        if await append_entries(uow, customer, [entry]):
            await uow.customers.update(customer)
        view = await _view(uow, customer_id, history)
        await uow.commit()
    return view
