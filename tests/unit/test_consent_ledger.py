"""The consent ledger: the derived state is a plain fold of the history, and no message is
sent against it (STOP, START, staff entries and the marketing flag, through the use cases)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from application import customers
from application.access import Actor
from application.consent import set_consent
from application.outbox.dispatch import dispatch_due
from application.outbox.inbound import handle_inbound
from application.pagination import ListQuery
from domain.contact_preferences import ContactMethod, ContactPreferences, QuietHours
from domain.messaging.consent import (
    DEFAULT_ALLOWED,
    KEYS,
    Consent,
    ConsentEntry,
    Key,
    Keyword,
    keyword_entries,
)
from domain.messaging.message import MessageStatus, Purpose
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase, FakeSender
from tests.unit.builders import a_customer
from tests.unit.test_dispatch import DAYTIME, queue, stored

T0 = datetime(2024, 3, 1, tzinfo=UTC)
OFFICE = Actor(user_id=7, role=Role.OFFICE)
PHONE = "+14155550123"  # the builders' customer
channels = st.sampled_from(list(ContactMethod))
purposes = st.sampled_from(list(Purpose))


def fold(entries: list[ConsentEntry]) -> dict[Key, bool]:
    """The plain reading of a ledger: defaults, then for each pair the entry with the
    latest time wins (of equal times, the one recorded last)."""
    state = {(c, p): DEFAULT_ALLOWED[p] for c, p in KEYS}
    seen: dict[Key, datetime] = {}
    for e in entries:
        key = (e.channel, e.purpose)
        if key not in seen or e.at >= seen[key]:
            state[key], seen[key] = e.allowed, e.at
    return state


entries = st.builds(
    ConsentEntry,
    channel=channels,
    purpose=purposes,
    allowed=st.booleans(),
    at=st.integers(0, 20).map(lambda m: T0 + timedelta(minutes=m)),
    source=st.sampled_from(["web form", "staff:1", "sms STOP"]),
)
keywords = st.builds(
    keyword_entries,
    channels,
    st.sampled_from([Keyword.STOP, Keyword.START]),
    st.integers(0, 20).map(lambda m: T0 + timedelta(minutes=m)),
)
histories = st.lists(entries.map(lambda e: [e]) | keywords, max_size=30).map(
    lambda groups: [e for group in groups for e in group]
)


@settings(max_examples=300, deadline=None)
@given(histories)
def test_the_derived_consent_is_a_plain_fold_of_the_ledger(history: list[ConsentEntry]) -> None:
    consent = Consent.from_entries(history)
    assert {key: consent.permits(*key) for key in KEYS} == fold(history)
    assert [(s.channel, s.purpose, s.allowed) for s in consent.states()] == [
        (c, p, allowed) for (c, p), allowed in fold(history).items()
    ]
    assert consent.marketing_anywhere() == any(
        fold(history)[(c, Purpose.MARKETING)] for c in ContactMethod
    )


def test_stop_opts_out_of_both_purposes_and_start_back_into_transactional_only() -> None:
    marketing = ConsentEntry(ContactMethod.SMS, Purpose.MARKETING, True, T0, "web form")
    stop = keyword_entries(ContactMethod.SMS, Keyword.STOP, T0 + timedelta(minutes=1))
    start = keyword_entries(ContactMethod.SMS, Keyword.START, T0 + timedelta(minutes=2))
    after_stop = Consent.from_entries([marketing, *stop])
    assert not after_stop.permits(ContactMethod.SMS, Purpose.TRANSACTIONAL)
    assert not after_stop.permits(ContactMethod.SMS, Purpose.MARKETING)
    assert after_stop.permits(ContactMethod.EMAIL, Purpose.TRANSACTIONAL)
    after_start = Consent.from_entries([marketing, *stop, *start])
    assert after_start.permits(ContactMethod.SMS, Purpose.TRANSACTIONAL)
    assert not after_start.permits(ContactMethod.SMS, Purpose.MARKETING)
    assert after_start.state(ContactMethod.SMS, Purpose.TRANSACTIONAL).source == "sms START"


# --- through the use cases: no send against the ledger ---------------------------------

staff_change = st.tuples(st.just("staff"), channels, purposes, st.booleans())
keyword = st.tuples(
    st.just("keyword"),
    st.sampled_from([ContactMethod.SMS, ContactMethod.WHATSAPP]),
    st.sampled_from(["STOP", "START"]),
)
flag = st.tuples(st.just("flag"), st.booleans())
operations = st.lists(st.one_of(staff_change, keyword, flag), max_size=12)


def model(ops: list[tuple]) -> dict[Key, bool]:
    """What the office expects each operation to do, independently of the ledger."""
    state = {(c, p): DEFAULT_ALLOWED[p] for c, p in KEYS}
    for op in ops:
        if op[0] == "staff":
            state[(op[1], op[2])] = op[3]
        elif op[0] == "keyword" and op[2] == "STOP":
            state[(op[1], Purpose.TRANSACTIONAL)] = state[(op[1], Purpose.MARKETING)] = False
        elif op[0] == "keyword":
            state[(op[1], Purpose.TRANSACTIONAL)] = True
        else:  # the marketing flag: every channel not opted out (STOP stands)
            for c in ContactMethod:
                if not (op[1] and not state[(c, Purpose.TRANSACTIONAL)]):
                    state[(c, Purpose.MARKETING)] = op[1]
    return state


@settings(max_examples=60, deadline=None)
@given(operations)
def test_no_message_goes_out_against_the_ledger(ops: list[tuple]) -> None:
    asyncio.run(_scenario(ops))


async def _scenario(ops: list[tuple]) -> None:
    db, clock = FakeDatabase(), FakeClock(DAYTIME - timedelta(hours=1))
    customer_id = await a_customer(db, clock)
    for n, op in enumerate(ops):
        clock.advance(seconds=1)
        if op[0] == "staff":
            await set_consent(OFFICE, db.uow(), clock, customer_id, *op[1:], None, ListQuery())
        elif op[0] == "keyword":
            await handle_inbound(db.uow, clock, PHONE, op[2], op[1], f"t{n}")
        else:
            await customers.set_communication_preferences(
                OFFICE, db.uow(), clock, customer_id, ContactPreferences(), op[1]
            )
    expected = model(ops)
    async with db.uow() as uow:
        ledger = await uow.consents.history(customer_id, 200, 0)
        customer = await uow.customers.get(customer_id)
    assert fold(ledger[0][::-1]) == expected
    assert customer is not None
    assert customer.marketing_consent == any(
        expected[(c, Purpose.MARKETING)] for c in ContactMethod
    )

    clock.set(DAYTIME)
    messages = {
        key: await queue(db, clock, customer_id, f"{key}", channel=key[0], purpose=key[1])
        for key in KEYS
    }
    sender = FakeSender(clock, pause=False)
    await dispatch_due(db.uow, clock, sender, QuietHours())
    for key, message_id in messages.items():
        message = await stored(db, message_id)
        if expected[key]:
            assert message.status is not MessageStatus.SUPPRESSED, (key, message.last_error)
        else:
            assert message.status is MessageStatus.SUPPRESSED, key
            assert message_id not in sender.sent_ids()
    assert not any(
        row.message_id in {messages[k] for k in KEYS if not expected[k]}
        for row in db.rows("call_tasks")
    )
