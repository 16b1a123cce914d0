"""Customer use cases: register, read, revise, list, delete; referrals and preferences.

Staff read and change every customer; a technician reads only the customers of jobs
assigned to them (any other is NotFound) and changes none (PermissionDenied). Every change
is written to the audit trail in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from application import audit
from application.access import Actor, Permission, authorize, require_customer_visible
from application.consent import record_marketing_flag
from application.lookups import require
from application.pagination import SEARCH, SERVED_BY_TECHNICIAN, ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, AuditTrail, Crud, ResourceSpec, named_customer
from application.resources.crud import Adjust
from domain.audit import AuditAction, AuditedEntity
from domain.audit_fields import customer_changes, customer_fields
from domain.contact_preferences import ContactPreferences
from domain.customer import Customer, CustomerDetails
from domain.errors import ValidationFailed
from domain.messaging.consent import CUSTOMER_RECORD
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


async def _visible(uow: UnitOfWork, actor: Actor, customer: Customer) -> None:
    assert customer.id is not None
    await require_customer_visible(uow, actor, customer.id)


CUSTOMERS: ResourceSpec[Customer, CustomerDetails] = ResourceSpec(
    name=ENTITY,
    repository=lambda uow: uow.customers,
    access=Access.own_work(SERVED_BY_TECHNICIAN),
    filters=frozenset({"referred_by_id", "phone", SEARCH, SERVED_BY_TECHNICIAN}),
    sortable=("id", "name", "email", "created_at"),
    new=Customer.register,
    revise=lambda customer, details, _: customer.revise(details),
    visible=_visible,
    audit=AuditTrail(
        ENTITY, customer_fields, named_customer(lambda customer: customer.id), customer_changes
    ),
)
customers = Crud(CUSTOMERS)

get_customer = customers.get
list_customers = customers.list
delete_customer = customers.delete


@dataclass(frozen=True, slots=True)
class Referrer:
    """Who referred the customer, as an update states it: the owner of `code`, the
    customer `customer_id`, or (neither given) nobody: the referrer is cleared."""

    code: str | None = None
    customer_id: int | None = None


def _referral(code: str | None) -> Adjust[Customer] | None:
    """The step that records who referred a customer, when a referral code is given."""
    if code is None:
        return None
    return _referred_by(Referrer(code=code))


def _referred_by(referrer: Referrer | None) -> Adjust[Customer] | None:
    """The step that sets or clears the referrer (None: the referrer stays as it is)."""
    if referrer is None:
        return None

    async def apply(uow: UnitOfWork, customer: Customer) -> None:
        if referrer.code:
            await _apply_referral(uow, customer, referrer.code)
        elif referrer.customer_id is not None:
            found = await require(uow.customers, ENTITY, referrer.customer_id, "referred_by_id")
            assert found.id is not None
            customer.referred_by(found, await uow.customers.referral_chain(found.id))
        else:
            customer.clear_referrer()

    return apply


async def create_customer(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    details: CustomerDetails,
    referral_code: str | None = None,
) -> Customer:
    """Register a new customer, optionally referred by the owner of `referral_code`."""
    return await customers.create(actor, uow, clock, details, _referral(referral_code))


async def update_customer(
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    customer_id: int,
    details: CustomerDetails,
    referrer: Referrer | None = None,
) -> Customer:
    """Replace a customer's editable details; `referrer` sets or clears who referred them
    (None: unchanged). Every change, a cleared referrer too, is audited."""
    return await customers.update(actor, uow, clock, customer_id, details, _referred_by(referrer))


async def list_referrals(
    actor: Actor, uow: UnitOfWork, customer_id: int, query: ListQuery
) -> Page[Customer]:
    """The customers this customer referred, newest first (staff only)."""
    async with uow.read_only():
        await require_customer_visible(uow, actor, customer_id)
        authorize(actor, Permission.READ_BUSINESS)
        await require(uow.customers, ENTITY, customer_id)
        return await uow.customers.list(query.with_filters(referred_by_id=customer_id))


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
    given) records in the consent ledger whether they agreed to messages they did not ask
    for (reminders) on every channel they have not opted out of."""
    async with uow:
        customer = await _editable(uow, actor, customer_id)
        before = customer_fields(customer)
        customer.set_preferences(preferences)
        if marketing_consent is not None:  # a view of the consent ledger: recorded there
            await record_marketing_flag(
                uow, actor, clock, customer, marketing_consent, CUSTOMER_RECORD
            )
        await _save(uow, actor, clock, AuditAction.SET_PREFERENCES, customer, before)
    return customer
