"""The audit trail: every change to a customer, payment, expense, preference or opt-out
writes exactly one entry (who, when, which fields) in the same transaction; a refused
change writes none; only admins read it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application import customers, expenses, payments
from application.access import Actor
from application.audit import list_audit_entries
from application.outbox.inbound import handle_inbound
from application.pagination import ListQuery
from domain.audit import AuditAction, AuditEntry, diff
from domain.contact_preferences import ContactMethod, ContactPreferences
from domain.errors import Conflict, PermissionDenied, ValidationFailed
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase
from tests.unit.builders import (
    a_customer,
    a_job,
    a_technician,
    customer_details,
    expense_details,
    payment_details,
    usd,
)

OFFICE = Actor(7, Role.OFFICE)
ADMIN = Actor(1, Role.ADMIN)
PHONE = "+14155550123"


def entries(db: FakeDatabase) -> list[AuditEntry]:
    return db.rows("audit_entries")


def only_entry(db: FakeDatabase) -> AuditEntry:
    [entry] = entries(db)
    return entry


async def test_registering_a_customer_records_who_when_and_the_masked_fields(
    db: FakeDatabase, clock: FakeClock
) -> None:
    created = await customers.create_customer(
        OFFICE, db.uow(), clock, customer_details(name="Ada", phone=PHONE, notes="gate code 42")
    )
    entry = only_entry(db)
    assert (entry.actor_user_id, entry.actor_role, entry.occurred_at) == (7, "office", clock.now())
    assert (entry.action, entry.entity, entry.entity_id) == (
        AuditAction.CREATE,
        "customer",
        created.id,
    )
    assert entry.customer_id == created.id
    assert entry.changes["name"] == [None, "Ada"]
    assert entry.changes["phone"] == [None, "+14*******23"]
    assert entry.changes["email"] == [None, "a***@example.com"]
    assert entry.changes["notes"] == [None, "(12 characters)"]
    assert PHONE not in repr(entry) and "ada@example.com" not in repr(entry)


async def test_an_update_records_only_the_changed_fields_masked(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock, phone=PHONE)
    clock.advance(hours=2)
    new = customer_details(phone="+14155550177", address="2 Engine Row")
    await customers.update_customer(OFFICE, db.uow(), clock, customer_id, new)
    update = entries(db)[-1]
    assert (update.action, update.occurred_at, update.actor_user_id) == (
        AuditAction.UPDATE,
        clock.now(),
        7,
    )
    assert update.changes == {
        "phone": ["+14*******23", "+14*******77"],
        "address": ["1 Analytical Way", "2 Engine Row"],
    }


async def test_preferences_preferred_technician_and_delete_each_write_one_entry(
    db: FakeDatabase, clock: FakeClock
) -> None:
    tech = await a_technician(db, clock)
    customer_id = await a_customer(db, clock)
    first = len(entries(db))
    await customers.set_preferred_technician(OFFICE, db.uow(), clock, customer_id, tech)
    await customers.set_communication_preferences(
        OFFICE, db.uow(), clock, customer_id, ContactPreferences(ContactMethod.SMS), True
    )
    await customers.delete_customer(OFFICE, db.uow(), clock, customer_id)
    prefer, prefs, gone = entries(db)[first:]
    assert (prefer.action, prefer.changes) == (
        AuditAction.SET_PREFERRED_TECHNICIAN,
        {"preferred_technician_id": [None, tech]},
    )
    assert (prefs.action, prefs.changes) == (
        AuditAction.SET_PREFERENCES,
        {"preferred_contact_method": [None, "SMS"], "marketing_consent": [False, True]},
    )
    assert (gone.action, gone.entity_id, gone.customer_id) == (
        AuditAction.DELETE,
        customer_id,
        customer_id,
    )
    assert gone.changes["name"] == ["Ada Lovelace", None]


async def test_payment_changes_are_recorded_against_the_customer(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    first = len(entries(db))
    paid = await payments.create_payment(OFFICE, db.uow(), clock, payment_details(customer_id))
    assert paid.id is not None
    new = payment_details(customer_id, amount=usd("130.00"))
    await payments.update_payment(OFFICE, db.uow(), clock, paid.id, new)
    await payments.delete_payment(OFFICE, db.uow(), clock, paid.id)
    made, corrected, deleted = entries(db)[first:]
    assert {e.entity for e in (made, corrected, deleted)} == {"payment"}
    assert {e.entity_id for e in (made, corrected, deleted)} == {paid.id}
    assert {e.customer_id for e in (made, corrected, deleted)} == {customer_id}
    assert made.changes["amount"] == [None, "125.50"]
    assert corrected.changes == {"amount": ["125.50", "130.00"]}
    assert (deleted.action, deleted.changes["payment_method"]) == (
        AuditAction.DELETE,
        ["CARD", None],
    )


async def test_expense_changes_name_the_customer_of_their_job(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id)
    first = len(entries(db))
    spent = await expenses.create_expense(OFFICE, db.uow(), clock, expense_details(job_id=job_id))
    assert spent.id is not None
    moved = expense_details(job_id=job_id, category="fuel")
    await expenses.update_expense(OFFICE, db.uow(), clock, spent.id, moved)
    await expenses.delete_expense(OFFICE, db.uow(), clock, spent.id)
    made, corrected, deleted = entries(db)[first:]
    assert [e.action for e in (made, corrected, deleted)] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    ]
    assert {e.customer_id for e in (made, corrected, deleted)} == {customer_id}
    assert corrected.changes == {"category": ["parts", "fuel"]}


async def test_a_technician_writing_their_own_expense_is_recorded_as_them(
    db: FakeDatabase, clock: FakeClock
) -> None:
    tech = await a_technician(db, clock)
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id, technician_id=tech)
    tom = Actor(9, Role.TECHNICIAN, tech)
    await expenses.create_expense(tom, db.uow(), clock, expense_details(job_id=job_id))
    entry = entries(db)[-1]
    assert (entry.actor_user_id, entry.actor_role, entry.entity) == (9, "technician", "expense")


async def test_refused_changes_write_no_entry(db: FakeDatabase, clock: FakeClock) -> None:
    tech = await a_technician(db, clock)
    customer_id = await a_customer(db, clock)
    job_id = await a_job(db, clock, customer_id, technician_id=tech)
    await payments.create_payment(OFFICE, db.uow(), clock, payment_details(customer_id))
    before = db.snapshot()
    with pytest.raises(ValidationFailed):
        await customers.update_customer(
            OFFICE, db.uow(), clock, customer_id, customer_details(time_zone="Nowhere")
        )
    with pytest.raises(ValidationFailed):
        await payments.create_payment(
            OFFICE, db.uow(), clock, payment_details(customer_id, amount=usd("0"))
        )
    with pytest.raises(ValidationFailed):
        await expenses.create_expense(
            OFFICE, db.uow(), clock, expense_details(job_id=job_id, category=" ")
        )
    with pytest.raises(Conflict):  # it still has a job and a payment
        await customers.delete_customer(OFFICE, db.uow(), clock, customer_id)
    with pytest.raises(PermissionDenied):
        await customers.update_customer(
            Actor(3, Role.TECHNICIAN, tech), db.uow(), clock, customer_id, customer_details()
        )
    assert db.snapshot() == before


async def test_stop_and_start_are_recorded_as_the_system(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock, phone=PHONE)
    first = len(entries(db))
    await handle_inbound(db.uow, clock, PHONE, "STOP", ContactMethod.SMS, "t1")
    clock.advance(minutes=5)
    await handle_inbound(db.uow, clock, PHONE, "stop", ContactMethod.WHATSAPP, "t2")
    clock.advance(minutes=5)
    await handle_inbound(db.uow, clock, PHONE, "START", ContactMethod.SMS, "t3")
    await handle_inbound(db.uow, clock, PHONE, "START", ContactMethod.SMS, "t3")  # repeated
    await handle_inbound(db.uow, clock, PHONE, "HELP", ContactMethod.SMS, "t4")
    stop, wa_stop, start = entries(db)[first:]
    assert (stop.actor_user_id, stop.actor_role, stop.source) == (None, "system", "sms STOP")
    assert (stop.action, stop.entity, stop.entity_id, stop.customer_id) == (
        AuditAction.OPT_OUT,
        "consent",
        customer_id,
        customer_id,
    )
    assert stop.changes == {"sms_opted_out": [False, True]}
    assert (wa_stop.source, wa_stop.changes) == (
        "whatsapp STOP",
        {"whatsapp_opted_out": [False, True]},
    )
    assert (start.action, start.occurred_at, start.changes) == (
        AuditAction.OPT_IN,
        clock.now(),
        {"sms_opted_out": [True, False]},
    )


async def test_only_admins_read_the_trail_newest_first_and_filtered(
    db: FakeDatabase, clock: FakeClock
) -> None:
    ann = await a_customer(db, clock, name="Ann")
    clock.advance(minutes=1)
    bob = await a_customer(db, clock, name="Bob")
    clock.advance(minutes=1)
    await payments.create_payment(OFFICE, db.uow(), clock, payment_details(ann))
    everything = await list_audit_entries(ADMIN, db.uow(), ListQuery())
    assert [(e.entity, e.customer_id) for e in everything.items] == [
        ("payment", ann),
        ("customer", bob),
        ("customer", ann),
    ]
    anns = await list_audit_entries(ADMIN, db.uow(), ListQuery().with_filters(customer_id=ann))
    assert [e.entity for e in anns.items] == ["payment", "customer"]
    by_office = ListQuery().with_filters(actor_user_id=OFFICE.user_id, entity="payment")
    assert (await list_audit_entries(ADMIN, db.uow(), by_office)).total == 1
    for reader in (OFFICE, Actor(3, Role.TECHNICIAN, None)):
        with pytest.raises(PermissionDenied):
            await list_audit_entries(reader, db.uow(), ListQuery())


async def test_entries_of_the_same_kind_are_listed_by_time_not_id(
    db: FakeDatabase, clock: FakeClock
) -> None:
    clock.advance(days=1)
    later = await a_customer(db, clock, name="Later")
    clock.set(clock.now() - timedelta(days=2))
    earlier = await a_customer(db, clock, name="Earlier")
    page = await list_audit_entries(ADMIN, db.uow(), ListQuery())
    assert [e.entity_id for e in page.items] == [later, earlier]


def test_diff_compares_raw_values_and_records_them_masked() -> None:
    def mask(value: object) -> object:
        return "***"

    changes = diff(
        {"phone": "+1555", "name": "A"}, {"phone": "+1556", "name": "A"}, {"phone": mask}
    )
    assert changes == {"phone": ["***", "***"]}
    assert diff(None, {"a": 1, "b": None}) == {"a": [None, 1]}
    assert diff({"a": 1}, None) == {"a": [1, None]}
