"""Customer use cases: register, read, revise, list, delete; referrals and preferences."""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.contact_preferences import ContactPreferences
from domain.customer import Customer, CustomerDetails
from domain.errors import ValidationFailed
from domain.referral import normalize_referral_code


async def _apply_referral(uow: UnitOfWork, customer: Customer, referral_code: str) -> None:
    referrer = await uow.customers.get_by_referral_code(normalize_referral_code(referral_code))
    if referrer is None:
        raise ValidationFailed.single("referral_code", "no customer has this referral code")
    assert referrer.id is not None
    customer.referred_by(referrer, await uow.customers.referral_chain(referrer.id))


async def create_customer(
    uow: UnitOfWork, clock: Clock, details: CustomerDetails, referral_code: str | None = None
) -> Customer:
    """Register a new customer, optionally referred by the owner of `referral_code`."""
    customer = Customer.register(details, clock.now())
    async with uow:
        if referral_code is not None:
            await _apply_referral(uow, customer, referral_code)
        customer = await uow.customers.add(customer)
        await uow.commit()
    return customer


async def get_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    """One customer, or NotFound."""
    async with uow:
        return await require(uow.customers, "customer", customer_id)


async def update_customer(
    uow: UnitOfWork,
    customer_id: int,
    details: CustomerDetails,
    referral_code: str | None = None,
) -> Customer:
    """Replace a customer's editable details; a referral code records who referred them."""
    async with uow:
        customer = await require(uow.customers, "customer", customer_id)
        customer.revise(details)
        if referral_code is not None:
            await _apply_referral(uow, customer, referral_code)
        await uow.customers.update(customer)
        await uow.commit()
    return customer


async def list_customers(uow: UnitOfWork, query: ListQuery) -> Page[Customer]:
    """A page of customers, newest first."""
    async with uow:
        return await uow.customers.list(query)


async def list_referrals(uow: UnitOfWork, customer_id: int, query: ListQuery) -> Page[Customer]:
    """The customers this customer referred, newest first."""
    async with uow:
        await require(uow.customers, "customer", customer_id)
        return await uow.customers.list(query.with_filters(referred_by_id=customer_id))


async def delete_customer(uow: UnitOfWork, customer_id: int) -> None:
    """Delete a customer that nothing else references (Conflict otherwise)."""
    async with uow:
        await remove(uow.customers, "customer", customer_id)
        await uow.commit()


async def set_preferred_technician(
    uow: UnitOfWork, customer_id: int, technician_id: int | None
) -> Customer:
    """Set or clear the customer's preferred technician (an existing, active one)."""
    async with uow:
        customer = await require(uow.customers, "customer", customer_id)
        technician = None
        if technician_id is not None:
            technician = await require(
                uow.technicians, "technician", technician_id, "technician_id"
            )
        customer.prefer_technician(technician)
        await uow.customers.update(customer)
        await uow.commit()
    return customer


async def set_communication_preferences(
    uow: UnitOfWork,
    customer_id: int,
    preferences: ContactPreferences,
    marketing_consent: bool | None = None,
) -> Customer:
    """Replace how and when the customer wants to be contacted; `marketing_consent` (when
    given) records whether they agreed to messages they did not ask for (reminders)."""
    async with uow:
        customer = await require(uow.customers, "customer", customer_id)
        customer.set_preferences(preferences)
        if marketing_consent is not None:
            customer.marketing_consent = marketing_consent
        await uow.customers.update(customer)
        await uow.commit()
    return customer
