"""Customer use cases: register, read, revise, list, delete; referrals and preferences.

Staff read and change every customer; a technician reads only the customers of jobs
assigned to them (any other is NotFound) and changes none (PermissionDenied). Every change
is written to the audit trail in its own transaction.
"""

from __future__ import annotations

from application import audit
from application.access import (
    Actor,
    Permission,
    authorize,
    authorize_read,
    require_customer_visible,
    scoped,
)
from application.lookups import remove, require
from application.pagination import SERVED_BY_TECHNICIAN, ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.audit_fields import customer_changes, customer_fields
from domain.contact_preferences import ContactPreferences
from domain.customer import Customer, CustomerDetails
from domain.errors import ValidationFailed
from domain.referral import normalize_referral_code

ENTITY = AuditedEntity.CUSTOMER


async def _apply_referral(uow: UnitOfWork, customer: Customer, referral_code: str) -> None:
    referrer = await uow.customers.get_by_referral_code(normalize_referral_code(referral_code))
    if referrer is None:
        raise ValidationFailed.single("referral_code", "no customer has this referral code")
    assert referrer.id is not None
    customer.referred_by(referrer, await uow.customers.referral_chain(referrer.id))


async def _editable(uow: UnitOfWork, actor: Actor, customer_id: int) -> Customer:
    """The customer to change: NotFound when the actor may not see it, PermissionDenied
    when they see it but may not change it."""
    await require_customer_visible(uow, actor, customer_id)
    authorize(actor, Permission.WRITE_BUSINESS)
    return await require(uow.customers, ENTITY, customer_id)


async def _save(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    action: AuditAction,
    customer: Customer,
    before: dict[str, object],
) -> None:
    """Store the changed customer and its audit entry, and commit both."""
    assert customer.id is not None
    await uow.customers.update(customer)
    changes = customer_changes(before, customer_fields(customer))
    await audit.record(uow, actor, clock.now(), action, ENTITY, customer.id, customer.id, changes)
    await uow.commit()


async def create_customer(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    details: CustomerDetails,
    referral_code: str | None = None,
) -> Customer:
    """Register a new customer, optionally referred by the owner of `referral_code`."""
    authorize(actor, Permission.WRITE_BUSINESS)
    now = clock.now()
    customer = Customer.register(details, now)
    async with uow:
        if referral_code is not None:
            await _apply_referral(uow, customer, referral_code)
        customer = await uow.customers.add(customer)
        assert customer.id is not None
        changes = customer_changes(None, customer_fields(customer))
        await audit.record(
            uow, actor, now, AuditAction.CREATE, ENTITY, customer.id, customer.id, changes
        )
        await uow.commit()
    return customer


async def get_customer(actor: Actor, uow: UnitOfWork, customer_id: int) -> Customer:
    """One customer, or NotFound (also for a technician none of whose jobs is for them)."""
    async with uow:
        await require_customer_visible(uow, actor, customer_id)
        return await require(uow.customers, ENTITY, customer_id)


async def update_customer(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    customer_id: int,
    details: CustomerDetails,
    referral_code: str | None = None,
) -> Customer:
    """Replace a customer's editable details; a referral code records who referred them."""
    async with uow:
        customer = await _editable(uow, actor, customer_id)
        before = customer_fields(customer)
        customer.revise(details)
        if referral_code is not None:
            await _apply_referral(uow, customer, referral_code)
        await _save(uow, actor, clock, AuditAction.UPDATE, customer, before)
    return customer


async def list_customers(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[Customer]:
    """A page of customers, newest first (a technician's: those they have a job at)."""
    authorize_read(actor)
    narrowed = scoped(actor, query, by=SERVED_BY_TECHNICIAN)
    if narrowed is None:
        return Page([], 0, query.limit, query.offset)
    async with uow:
        return await uow.customers.list(narrowed)


async def list_referrals(
    actor: Actor, uow: UnitOfWork, customer_id: int, query: ListQuery
) -> Page[Customer]:
    """The customers this customer referred, newest first (staff only)."""
    async with uow:
        await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.READ_BUSINESS)
        await require(uow.customers, ENTITY, customer_id)
        return await uow.customers.list(query.with_filters(referred_by_id=customer_id))


async def delete_customer(actor: Actor, uow: UnitOfWork, clock: Clock, customer_id: int) -> None:
    """Delete a customer that nothing else references (Conflict otherwise)."""
    async with uow:
        customer = await _editable(uow, actor, customer_id)
        await remove(uow.customers, ENTITY, customer_id)
        changes = customer_changes(customer_fields(customer), None)
        await audit.record(
            uow, actor, clock.now(), AuditAction.DELETE, ENTITY, customer_id, customer_id, changes
        )
        await uow.commit()


async def set_preferred_technician(
    actor: Actor, uow: UnitOfWork, clock: Clock, customer_id: int, technician_id: int | None
) -> Customer:
    """Set or clear the customer's preferred technician (an existing, active one)."""
    async with uow:
        customer = await _editable(uow, actor, customer_id)
        before = customer_fields(customer)
        technician = None
        if technician_id is not None:
            technician = await require(
                uow.technicians, "technician", technician_id, "technician_id"
            )
        customer.prefer_technician(technician)
        await _save(uow, actor, clock, AuditAction.SET_PREFERRED_TECHNICIAN, customer, before)
    return customer


async def set_communication_preferences(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    customer_id: int,
    preferences: ContactPreferences,
    marketing_consent: bool | None = None,
) -> Customer:
    """Replace how and when the customer wants to be contacted; `marketing_consent` (when
    given) records whether they agreed to messages they did not ask for (reminders)."""
    async with uow:
        customer = await _editable(uow, actor, customer_id)
        before = customer_fields(customer)
        customer.set_preferences(preferences)
        if marketing_consent is not None:
            customer.marketing_consent = marketing_consent
        await _save(uow, actor, clock, AuditAction.SET_PREFERENCES, customer, before)
    return customer
