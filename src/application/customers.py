"""Customer use cases: register, read, revise, list, delete."""

from __future__ import annotations

from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.customer import Customer, CustomerDetails


async def create_customer(uow: UnitOfWork, clock: Clock, details: CustomerDetails) -> Customer:
    """Register a new customer."""
    customer = Customer.register(details, clock.now())
    async with uow:
        customer = await uow.customers.add(customer)
        await uow.commit()
    return customer


async def get_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    """One customer, or NotFound."""
    async with uow:
        return await require(uow.customers, "customer", customer_id)


async def update_customer(uow: UnitOfWork, customer_id: int, details: CustomerDetails) -> Customer:
    """Replace a customer's editable details."""
    async with uow:
        customer = await require(uow.customers, "customer", customer_id)
        customer.revise(details)
        await uow.customers.update(customer)
        await uow.commit()
    return customer


async def list_customers(uow: UnitOfWork, query: ListQuery) -> Page[Customer]:
    """A page of customers, newest first."""
    async with uow:
        return await uow.customers.list(query)


async def delete_customer(uow: UnitOfWork, customer_id: int) -> None:
    """Delete a customer that nothing else references (Conflict otherwise)."""
    async with uow:
        await remove(uow.customers, "customer", customer_id)
        await uow.commit()
