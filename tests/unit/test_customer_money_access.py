"""The access policy in the customer, payment and expense use cases.

Staff (office, admin) read and change everything. A technician reads only the customers
they have a job at (any other is 404) and changes none of them (403); never sees payments
(403); records, reads, corrects and deletes expenses only on jobs assigned to them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from application import customers, expenses, payments
from application.access import Actor
from application.pagination import ListQuery
from domain.contact_preferences import ContactPreferences
from domain.errors import NotFound, PermissionDenied
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_customer,
    a_job,
    a_technician,
    customer_details,
    expense_details,
    payment_details,
)

OFFICE = Actor(1, Role.OFFICE)
ADMIN = Actor(2, Role.ADMIN)
STAFF = [pytest.param(OFFICE, id="office"), pytest.param(ADMIN, id="admin")]


@dataclass
class Shop:
    """Ann is served by technician `tom` (her job is his), Bob by `sue`."""

    tom: Actor
    sue_id: int
    ann: int
    bob: int
    anns_job: int
    bobs_job: int


@pytest.fixture
async def shop(db: FakeDatabase, clock: FakeClock) -> Shop:
    tom_id = await a_technician(db, clock, name="Tom")
    sue_id = await a_technician(db, clock, name="Sue")
    ann = await a_customer(db, clock, name="Ann")
    bob = await a_customer(db, clock, name="Bob")
    anns_job = await a_job(db, clock, ann, technician_id=tom_id)
    bobs_job = await a_job(db, clock, bob, technician_id=sue_id)
    return Shop(Actor(3, Role.TECHNICIAN, tom_id), sue_id, ann, bob, anns_job, bobs_job)


# --- customers --------------------------------------------------------------------------


@pytest.mark.parametrize("actor", STAFF)
async def test_staff_create_read_change_and_delete_customers(
    db: FakeDatabase, clock: FakeClock, actor: Actor
) -> None:
    created = await customers.create_customer(actor, db.uow(), clock, customer_details())
    assert created.id is not None
    assert (await customers.get_customer(actor, db.uow(), created.id)) == created
    listed = await customers.list_customers(actor, db.uow(), ListQuery())
    assert [c.id for c in listed.items] == [created.id]
    changed = await customers.update_customer(
        actor, db.uow(), clock, created.id, customer_details(name="Ada King")
    )
    assert changed.details.name == "Ada King"
    await customers.delete_customer(actor, db.uow(), clock, created.id)
    assert db.rows("customers") == []


async def test_a_technician_lists_and_reads_only_the_customers_of_their_jobs(
    db: FakeDatabase, shop: Shop
) -> None:
    page = await customers.list_customers(shop.tom, db.uow(), ListQuery())
    assert ([c.id for c in page.items], page.total) == ([shop.ann], 1)
    assert (await customers.get_customer(shop.tom, db.uow(), shop.ann)).id == shop.ann
    with pytest.raises(NotFound) as hidden:
        await customers.get_customer(shop.tom, db.uow(), shop.bob)
    assert (hidden.value.entity, hidden.value.entity_id) == ("customer", shop.bob)


async def test_a_technician_with_no_technician_record_lists_no_customers(
    db: FakeDatabase, shop: Shop
) -> None:
    unlinked = Actor(4, Role.TECHNICIAN, None)
    page = await customers.list_customers(unlinked, db.uow(), ListQuery(limit=5, offset=0))
    assert (page.items, page.total, page.limit) == ([], 0, 5)


async def test_a_technician_may_not_register_customers(db: FakeDatabase, shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        await customers.create_customer(shop.tom, db.uow(), FakeClock(), customer_details())
    assert len(db.rows("customers")) == 2


def _customer_changes(clock: FakeClock, shop: Shop) -> dict[str, Callable[..., Awaitable[Any]]]:
    """Each customer-changing use case, for one customer id, as the technician `tom`."""
    tom = shop.tom
    return {
        "update": lambda db, cid: customers.update_customer(
            tom, db.uow(), clock, cid, customer_details(name="Changed")
        ),
        "delete": lambda db, cid: customers.delete_customer(tom, db.uow(), clock, cid),
        "preferred technician": lambda db, cid: customers.set_preferred_technician(
            tom, db.uow(), clock, cid, tom.technician_id
        ),
        "preferences": lambda db, cid: customers.set_communication_preferences(
            tom, db.uow(), clock, cid, ContactPreferences(language="es"), True
        ),
        "referrals": lambda db, cid: customers.list_referrals(tom, db.uow(), cid, ListQuery()),
    }


@pytest.mark.parametrize(
    "change", ["update", "delete", "preferred technician", "preferences", "referrals"]
)
async def test_a_technician_gets_not_found_for_an_unseen_customer_and_forbidden_for_a_seen_one(
    db: FakeDatabase, clock: FakeClock, shop: Shop, change: str
) -> None:
    call = _customer_changes(clock, shop)[change]
    before = db.snapshot()
    with pytest.raises(NotFound) as hidden:
        await call(db, shop.bob)
    assert (hidden.value.entity, hidden.value.entity_id) == ("customer", shop.bob)
    with pytest.raises(PermissionDenied):
        await call(db, shop.ann)
    assert db.snapshot() == before


# --- payments ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", STAFF)
async def test_staff_record_read_correct_and_delete_payments(
    db: FakeDatabase, clock: FakeClock, shop: Shop, actor: Actor
) -> None:
    paid = await payments.create_payment(actor, db.uow(), clock, payment_details(shop.ann))
    assert paid.id is not None
    assert await payments.get_payment(actor, db.uow(), paid.id) == paid
    assert (await payments.list_payments(actor, db.uow(), ListQuery())).total == 1
    new = payment_details(shop.ann, reference="R-2")
    assert (await payments.update_payment(actor, db.uow(), clock, paid.id, new)).details == new
    await payments.delete_payment(actor, db.uow(), clock, paid.id)
    assert db.rows("payments") == []


@pytest.mark.parametrize("use_case", ["create", "get", "list", "update", "delete"])
async def test_a_technician_never_sees_or_touches_payments(
    db: FakeDatabase, clock: FakeClock, shop: Shop, use_case: str
) -> None:
    paid = await payments.create_payment(OFFICE, db.uow(), clock, payment_details(shop.ann))
    assert paid.id is not None
    before = db.snapshot()
    tom, details = shop.tom, payment_details(shop.ann, job_id=shop.anns_job)
    calls = {
        "create": lambda: payments.create_payment(tom, db.uow(), clock, details),
        "get": lambda: payments.get_payment(tom, db.uow(), paid.id),
        "list": lambda: payments.list_payments(tom, db.uow(), ListQuery()),
        "update": lambda: payments.update_payment(tom, db.uow(), clock, paid.id, details),
        "delete": lambda: payments.delete_payment(tom, db.uow(), clock, paid.id),
    }
    with pytest.raises(PermissionDenied):
        await calls[use_case]()
    assert db.snapshot() == before


# --- expenses ---------------------------------------------------------------------------


async def test_a_technician_records_reads_corrects_and_deletes_expenses_of_their_own_jobs(
    db: FakeDatabase, clock: FakeClock, shop: Shop
) -> None:
    tom = shop.tom
    spent = await expenses.create_expense(
        tom, db.uow(), clock, expense_details(job_id=shop.anns_job)
    )
    assert spent.id is not None
    assert await expenses.get_expense(tom, db.uow(), spent.id) == spent
    corrected = expense_details(job_id=shop.anns_job, category="fuel")
    updated = await expenses.update_expense(tom, db.uow(), clock, spent.id, corrected)
    assert updated.details.category == "fuel"
    await expenses.delete_expense(tom, db.uow(), clock, spent.id)
    assert db.rows("expenses") == []


async def test_a_technician_must_record_an_expense_against_one_of_their_jobs(
    db: FakeDatabase, clock: FakeClock, shop: Shop
) -> None:
    with pytest.raises(PermissionDenied, match="their own jobs"):
        await expenses.create_expense(shop.tom, db.uow(), clock, expense_details())
    for job_id in (shop.bobs_job, 999):  # another technician's job, and no job at all
        with pytest.raises(NotFound) as hidden:
            await expenses.create_expense(shop.tom, db.uow(), clock, expense_details(job_id=job_id))
        assert (hidden.value.entity, hidden.value.entity_id, hidden.value.field) == (
            "job",
            job_id,
            "job_id",
        )
    assert db.rows("expenses") == []


async def test_a_technician_cannot_see_or_touch_other_expenses(
    db: FakeDatabase, clock: FakeClock, shop: Shop
) -> None:
    on_bobs_job = await expenses.create_expense(
        OFFICE, db.uow(), clock, expense_details(job_id=shop.bobs_job)
    )
    on_no_job = await expenses.create_expense(OFFICE, db.uow(), clock, expense_details())
    before = db.snapshot()
    tom, details = shop.tom, expense_details(job_id=shop.anns_job)
    for expense in (on_bobs_job, on_no_job):
        assert expense.id is not None
        for attempt in (
            expenses.get_expense(tom, db.uow(), expense.id),
            expenses.update_expense(tom, db.uow(), clock, expense.id, details),
            expenses.delete_expense(tom, db.uow(), clock, expense.id),
        ):
            with pytest.raises(NotFound) as hidden:
                await attempt
            assert (hidden.value.entity, hidden.value.entity_id) == ("expense", expense.id)
    assert db.snapshot() == before


async def test_a_technician_cannot_move_their_expense_to_another_job(
    db: FakeDatabase, clock: FakeClock, shop: Shop
) -> None:
    spent = await expenses.create_expense(
        shop.tom, db.uow(), clock, expense_details(job_id=shop.anns_job)
    )
    assert spent.id is not None
    before = db.snapshot()
    moved = expense_details(job_id=shop.bobs_job)
    with pytest.raises(NotFound) as hidden:
        await expenses.update_expense(shop.tom, db.uow(), clock, spent.id, moved)
    assert hidden.value.field == "job_id"
    with pytest.raises(PermissionDenied):
        await expenses.update_expense(shop.tom, db.uow(), clock, spent.id, expense_details())
    assert db.snapshot() == before


async def test_a_technician_lists_only_the_expenses_of_their_jobs(
    db: FakeDatabase, clock: FakeClock, shop: Shop
) -> None:
    mine = await expenses.create_expense(
        shop.tom, db.uow(), clock, expense_details(job_id=shop.anns_job)
    )
    await expenses.create_expense(OFFICE, db.uow(), clock, expense_details(job_id=shop.bobs_job))
    await expenses.create_expense(OFFICE, db.uow(), clock, expense_details())
    page = await expenses.list_expenses(shop.tom, db.uow(), ListQuery())
    assert ([e.id for e in page.items], page.total) == ([mine.id], 1)
    others = ListQuery().with_filters(job_id=shop.bobs_job)
    assert (await expenses.list_expenses(shop.tom, db.uow(), others)).total == 0
    everything = await expenses.list_expenses(OFFICE, db.uow(), ListQuery())
    assert everything.total == 3


@pytest.mark.parametrize("actor", STAFF)
async def test_staff_record_expenses_on_any_job_or_none(
    db: FakeDatabase, clock: FakeClock, shop: Shop, actor: Actor
) -> None:
    for details in (expense_details(job_id=shop.bobs_job), expense_details()):
        spent = await expenses.create_expense(actor, db.uow(), clock, details)
        assert spent.id is not None
        assert await expenses.get_expense(actor, db.uow(), spent.id) == spent
