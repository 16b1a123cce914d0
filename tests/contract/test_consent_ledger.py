"""The consent ledger repository: append, history and latest state, fake and SQL alike."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from domain.contact_preferences import ContactMethod
from domain.errors import Conflict
from domain.messaging.consent import Consent, ConsentEntry
from domain.messaging.message import Purpose
from tests.contract.conftest import Store
from tests.contract.rows import T0, Seed

SMS, EMAIL = ContactMethod.SMS, ContactMethod.EMAIL
TX, MK = Purpose.TRANSACTIONAL, Purpose.MARKETING


def entry(channel: ContactMethod, purpose: Purpose, allowed: bool, hours: int) -> ConsentEntry:
    return ConsentEntry(channel, purpose, allowed, T0 + timedelta(hours=hours), "sms STOP")


async def test_append_returns_the_entry_with_its_id_and_history_is_newest_first(
    store: Store,
) -> None:
    async def history(uow: Any) -> tuple[list[ConsentEntry], list[ConsentEntry], int]:
        seed = Seed(uow)
        customer, other = await seed.add("customers"), await seed.add("customers")
        staff = ConsentEntry(SMS, MK, True, T0 + timedelta(hours=2), "staff:7", 7, "by phone")
        appended = [
            await uow.consents.append(customer.id, staff),
            await uow.consents.append(customer.id, entry(SMS, TX, False, 1)),
            await uow.consents.append(customer.id, entry(EMAIL, MK, True, 3)),
        ]
        assert appended[0] == ConsentEntry(**{**vars_of(staff), "id": appended[0].id})
        assert await uow.consents.history(other.id, 10, 0) == ([], 0)
        return appended, (await uow.consents.history(customer.id, 2, 0))[0], customer.id

    appended, first_page, customer_id = await store.run(history)
    assert [e.id for e in appended] == sorted({e.id for e in appended})  # ids in order
    assert first_page == [appended[2], appended[0]]  # by time, newest first

    async def second_page(uow: Any) -> tuple[list[ConsentEntry], int]:
        return await uow.consents.history(customer_id, 2, 2)

    assert await store.run(second_page, commit=False) == ([appended[1]], 3)


def vars_of(e: ConsentEntry) -> dict[str, Any]:
    return {name: getattr(e, name) for name in ConsentEntry.__slots__}


async def test_latest_is_the_newest_entry_per_channel_and_purpose(store: Store) -> None:
    """Ties in time go to the entry recorded last; other customers' entries never count."""

    async def history(uow: Any) -> tuple[list[ConsentEntry], list[ConsentEntry]]:
        seed = Seed(uow)
        customer, other = await seed.add("customers"), await seed.add("customers")
        await uow.consents.append(other.id, entry(SMS, TX, True, 9))
        kept = []
        for channel, purpose, allowed, hours in [
            (SMS, TX, False, 5),
            (SMS, TX, True, 1),  # recorded later but older: not the latest
            (SMS, MK, True, 2),
            (SMS, MK, False, 2),  # same instant, recorded later: the latest
            (EMAIL, MK, True, 0),
        ]:
            kept.append(
                await uow.consents.append(customer.id, entry(channel, purpose, allowed, hours))
            )
        return kept, await uow.consents.latest(customer.id)

    appended, latest = await store.run(history)
    assert latest == [appended[4], appended[3], appended[0]]  # oldest first


async def test_the_state_from_latest_equals_the_fold_of_the_whole_history(store: Store) -> None:
    rng = random.Random(11)
    history = [
        entry(rng.choice(list(ContactMethod)), rng.choice(list(Purpose)), rng.random() < 0.5, h)
        for h in (rng.randrange(6) for _ in range(40))
    ]

    async def record(uow: Any) -> tuple[list[ConsentEntry], list[ConsentEntry]]:
        customer = await Seed(uow).add("customers")
        stored = [await uow.consents.append(customer.id, e) for e in history]
        return stored, await uow.consents.latest(customer.id)

    stored, latest = await store.run(record)
    assert Consent.from_entries(latest) == Consent.from_entries(stored)
    assert len(latest) == len({(e.channel, e.purpose) for e in history})


async def test_an_entry_of_a_missing_customer_is_a_conflict_and_nothing_updates(
    store: Store,
) -> None:
    async def record(uow: Any) -> None:
        with pytest.raises(Conflict):
            await uow.consents.append(999, entry(SMS, TX, False, 0))
        # Append-only: the ledger has no way to change or remove an entry.
        assert not any(hasattr(uow.consents, name) for name in ("update", "delete", "remove"))

    await store.run(record, commit=False)
