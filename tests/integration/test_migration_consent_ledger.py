"""The consent_ledger migration (0009) carries STOP/START rows and the marketing flag over
into the ledger, and back, on both databases."""

from __future__ import annotations

import asyncio

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from domain.contact_preferences import ContactMethod
from domain.messaging.consent import Consent
from domain.messaging.message import Purpose
from entrypoints import migrate
from tests.integration.test_migration_keeps_rows import (  # noqa: F401 (fixture)
    SEED,
    _execute,
    fresh_url,
)
from tests.integration.test_migrations import _diff

BEFORE = "0008"  # the revision before 0009
OLD_ROWS = [
    "UPDATE customers SET marketing_consent = {true} WHERE id = 1",
    "INSERT INTO consent_changes (customer_id, channel, opted_out, at, source) VALUES "
    "(1, 'WHATSAPP', {true}, {ts}, 'twilio-inbound'), "
    "(2, 'SMS', {true}, {ts}, 'twilio-inbound')",
    "INSERT INTO consent_changes (customer_id, channel, opted_out, at, source) VALUES "
    "(2, 'SMS', NOT {true}, {ts}, 'twilio-inbound')",
]
LEDGER = "SELECT customer_id, channel, purpose, allowed, source FROM consent_ledger ORDER BY id"
CHANGES = "SELECT customer_id, channel, opted_out, source FROM consent_changes ORDER BY id"
FLAGS = "SELECT id, marketing_consent FROM customers ORDER BY id"
CHANNELS = ["WHATSAPP", "EMAIL", "PHONE", "SMS"]


def rows(url: str, sql: str, boolean: int) -> list[tuple[object, ...]]:
    """The rows of `sql`, column `boolean` as a bool (SQLite answers 0/1)."""
    found = asyncio.run(_execute(url, sql))[0]
    return [tuple(bool(v) if i == boolean else v for i, v in enumerate(r)) for r in found]


async def _consent(url: str, customer_id: int) -> Consent:
    engine = build_engine(url)
    try:
        async with SqlUnitOfWork(engine) as uow:
            return Consent.from_entries(await uow.consents.latest(customer_id))
    finally:
        await engine.dispose()


def expected_ledger() -> list[tuple[object, ...]]:
    carried = [
        (1, "WHATSAPP", "TRANSACTIONAL", False, "twilio-inbound"),
        (1, "WHATSAPP", "MARKETING", False, "twilio-inbound"),
        (2, "SMS", "TRANSACTIONAL", False, "twilio-inbound"),
        (2, "SMS", "MARKETING", False, "twilio-inbound"),
        (2, "SMS", "TRANSACTIONAL", True, "twilio-inbound"),
    ]
    # Marketing as the send policy allowed it: the flag, except on an opted-out channel.
    flags = [(1, [False, True, True, True]), (2, [False] * 4), (3, [False] * 4)]
    marketing = [
        (customer, channel, "MARKETING", allowed, "migration")
        for customer, allowed_by_channel in flags
        for channel, allowed in zip(CHANNELS, allowed_by_channel, strict=True)
    ]
    return carried + marketing


def test_stop_start_rows_and_the_marketing_flag_become_ledger_entries_and_back(
    fresh_url,  # noqa: F811 (the fixture)
):
    migrate.upgrade(fresh_url, "0001")
    asyncio.run(_execute(fresh_url, *SEED))
    migrate.upgrade(fresh_url, BEFORE)
    asyncio.run(_execute(fresh_url, *OLD_ROWS))
    old = rows(fresh_url, CHANGES, 2)
    flags = rows(fresh_url, FLAGS, 1)

    migrate.upgrade(fresh_url)
    assert rows(fresh_url, LEDGER, 3) == expected_ledger()
    ann = asyncio.run(_consent(fresh_url, 1))
    assert not ann.permits(ContactMethod.WHATSAPP, Purpose.TRANSACTIONAL)
    assert ann.permits(ContactMethod.SMS, Purpose.MARKETING)
    assert ann.permits(ContactMethod.SMS, Purpose.TRANSACTIONAL)
    bob = asyncio.run(_consent(fresh_url, 2))
    assert bob.permits(ContactMethod.SMS, Purpose.TRANSACTIONAL)
    assert not bob.permits(ContactMethod.SMS, Purpose.MARKETING)

    migrate.downgrade(fresh_url, BEFORE)
    assert rows(fresh_url, CHANGES, 2) == old
    assert rows(fresh_url, FLAGS, 1) == flags

    migrate.upgrade(fresh_url)
    assert asyncio.run(_diff(fresh_url)) == []
