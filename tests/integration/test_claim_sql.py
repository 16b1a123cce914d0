"""The outbox repositories on SQLite and PostgreSQL: the atomic claim, due order, the
compare-and-set, webhook receipts, consent — and concurrent dispatchers sending once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from application.outbox.dispatch import dispatch_due, send_one
from application.outbox.enqueue import enqueue
from application.outbox.outcome import Outcome
from application.pagination import ListQuery
from domain.contact_preferences import ContactMethod, QuietHours
from domain.customer import Customer
from domain.errors import Conflict
from domain.messaging.call_task import CallTask
from domain.messaging.consent import ConsentEntry
from domain.messaging.message import Message, MessageStatus, Purpose, compose
from entrypoints.container import Container
from tests.fakes import FakeClock, FakeSender
from tests.unit.builders import customer_details

SMS, TRANSACTIONAL = ContactMethod.SMS, Purpose.TRANSACTIONAL

NOW = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
M = MessageStatus


async def a_customer(container: Container, phone: str = "+14155550123") -> Customer:
    async with container.uow() as uow:
        customer = await uow.customers.add(Customer.register(customer_details(phone=phone), NOW))
        await uow.commit()
    return customer


async def queue(
    container: Container,
    customer: Customer,
    key: str,
    when: datetime = NOW,
    purpose: Purpose = Purpose.TRANSACTIONAL,
) -> int:
    async with container.uow() as uow:
        message = compose(customer, purpose, f"hello {key}", key, when, NOW)
        message = await enqueue(uow.messages, message)
        await uow.commit()
    assert message.id is not None
    return message.id


async def claim(container: Container, message_id: int, now: datetime = NOW) -> Message | None:
    async with container.uow() as uow:
        claimed = await uow.messages.claim(message_id, now)
        await uow.commit()
    return claimed


async def test_concurrent_claims_of_one_message_have_exactly_one_winner(container) -> None:
    message_id = await queue(container, await a_customer(container), "k")
    results = await asyncio.gather(*(claim(container, message_id) for _ in range(6)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert (winners[0].status, winners[0].attempts, winners[0].updated_at) == (M.SENDING, 1, NOW)


async def test_a_claim_waiting_on_an_open_claim_loses_when_it_commits(container) -> None:
    message_id = await queue(container, await a_customer(container), "k")
    async with container.uow() as first:
        assert await first.messages.claim(message_id, NOW) is not None
        second = asyncio.create_task(claim(container, message_id))
        await asyncio.sleep(0.2)
        assert not second.done()  # blocked by the first transaction's row / write lock
        await first.commit()
    assert await second is None


async def test_claim_needs_the_message_due_and_scheduled(container) -> None:
    customer = await a_customer(container)
    later = await queue(container, customer, "later", NOW + timedelta(seconds=1))
    assert await claim(container, later) is None
    assert await claim(container, later, NOW + timedelta(seconds=1)) is not None
    assert await claim(container, later, NOW + timedelta(hours=1)) is None  # already SENDING
    assert await claim(container, 999_999) is None


async def test_due_ids_are_due_scheduled_messages_oldest_first(container) -> None:
    customer = await a_customer(container)
    ids = {
        key: await queue(container, customer, key, NOW + offset)
        for key, offset in [
            ("b", -timedelta(minutes=5)),
            ("future", timedelta(minutes=1)),
            ("a", -timedelta(hours=1)),
            ("now", timedelta(0)),
            ("taken", -timedelta(days=1)),
        ]
    }
    await claim(container, ids["taken"])
    async with container.uow() as uow:
        assert await uow.messages.due_ids(NOW, 10) == [ids["a"], ids["b"], ids["now"]]
        assert await uow.messages.due_ids(NOW, 2) == [ids["a"], ids["b"]]


async def test_update_if_status_is_a_compare_and_set(container) -> None:
    message_id = await queue(container, await a_customer(container), "k")
    claimed = await claim(container, message_id)
    assert claimed is not None
    claimed.move_to(M.SENT, NOW)
    claimed.provider_message_id, claimed.sent_at = "SM1", NOW
    async with container.uow() as uow:
        assert not await uow.messages.update_if_status(claimed, M.SCHEDULED)
        assert await uow.messages.update_if_status(claimed, M.SENDING)
        assert not await uow.messages.update_if_status(claimed, M.SENDING)
        await uow.commit()
    async with container.uow() as uow:
        found = await uow.messages.get_by_provider_id("SM1")
        assert found is not None and (found.id, found.status) == (message_id, M.SENT)
        assert await uow.messages.get_by_provider_id("SM2") is None


async def test_the_idempotency_key_is_unique(container) -> None:
    customer = await a_customer(container)
    first = await queue(container, customer, "same")
    assert await queue(container, customer, "same") == first
    with pytest.raises(Conflict):
        async with container.uow() as uow:
            await uow.messages.add(compose(customer, Purpose.TRANSACTIONAL, "x", "same", NOW, NOW))


async def test_stale_sending_and_recent_sends(container) -> None:
    customer = await a_customer(container)
    stuck = await queue(container, customer, "stuck", NOW - timedelta(hours=1))
    await claim(container, stuck, NOW - timedelta(minutes=30))
    fresh = await queue(container, customer, "fresh")
    await claim(container, fresh)
    sent = await queue(container, customer, "sent", purpose=Purpose.MARKETING)
    claimed = await claim(container, sent)
    assert claimed is not None
    claimed.move_to(M.SENT, NOW)
    claimed.sent_at = NOW
    async with container.uow() as uow:
        await uow.messages.update_if_status(claimed, M.SENDING)
        await uow.commit()
    async with container.uow() as uow:
        stale = await uow.messages.stale_sending(NOW - timedelta(minutes=10), 10)
        assert [m.id for m in stale] == [stuck]
        assert await uow.messages.recent_sends(customer.id or 0, NOW - timedelta(days=7)) == [NOW]
        assert await uow.messages.recent_sends(customer.id or 0, NOW + timedelta(seconds=1)) == []
        page = await uow.messages.list(
            ListQuery(limit=10).with_filters(customer_id=customer.id, status="SENDING")
        )
        assert sorted(m.id for m in page.items) == sorted([stuck, fresh]) and page.total == 2


async def test_webhook_tokens_are_remembered_once(container) -> None:
    async with container.uow() as uow:
        assert await uow.webhook_events.remember("tok", NOW)
        assert not await uow.webhook_events.remember("tok", NOW)  # the transaction goes on
        assert await uow.webhook_events.remember("other", NOW)
        await uow.commit()
    results = []
    for _ in range(2):
        async with container.uow() as uow:
            results.append(await uow.webhook_events.remember("tok2", NOW))
            await uow.commit()
    assert results == [True, False]


async def test_consent_ledger_and_customers_by_phone(container) -> None:
    ada = await a_customer(container)
    twin = await a_customer(container)
    await a_customer(container, phone="+14155550999")
    assert ada.id is not None
    async with container.uow() as uow:
        later = ConsentEntry(SMS, TRANSACTIONAL, True, NOW + timedelta(minutes=1), "staff:1", 1)
        later = await uow.consents.append(ada.id, later)
        first = await uow.consents.append(ada.id, ConsentEntry(SMS, TRANSACTIONAL, False, NOW, "x"))
        await uow.commit()
    async with container.uow() as uow:
        assert await uow.consents.latest(ada.id) == [later]
        assert await uow.consents.history(ada.id, 10, 0) == ([later, first], 2)
        assert await uow.consents.latest(twin.id or 0) == []
        assert [c.id for c in await uow.customers.find_by_phone("+14155550123")] == [
            twin.id,
            ada.id,
        ]
        assert await uow.customers.find_by_phone("+10000000000") == []


async def test_call_tasks_are_stored(container) -> None:
    customer = await a_customer(container)
    assert customer.id is not None
    message_id = await queue(container, customer, "call")
    async with container.uow() as uow:
        task = await uow.call_tasks.add(CallTask(customer.id, "Call about the fridge", NOW))
        linked = await uow.call_tasks.add(CallTask(customer.id, "x", NOW, message_id=message_id))
        await uow.commit()
    async with container.uow() as uow:
        page = await uow.call_tasks.list(ListQuery().with_filters(message_id=message_id))
        assert [t.id for t in page.items] == [linked.id]
        assert await uow.call_tasks.get(task.id or 0) == task


async def test_concurrent_dispatchers_send_each_message_once(container) -> None:
    customer = await a_customer(container)
    ids = [await queue(container, customer, f"k{i}") for i in range(20)]
    clock = FakeClock(NOW)
    sender = FakeSender(clock)
    reports = await asyncio.gather(
        *(dispatch_due(container.uow, clock, sender, QuietHours(), concurrency=3) for _ in range(3))
    )
    assert sorted(sender.sent_ids()) == ids
    assert sum(r.sent for r in reports) == 20
    async with container.uow() as uow:
        page = await uow.messages.list(ListQuery(limit=50).with_filters(status="SENT"))
    assert page.total == 20 and all(m.provider_message_id for m in page.items)


async def test_send_message_actors_racing_the_poll_send_each_message_once(container) -> None:
    """`send_message` for each message queued for now, redelivered, while the poll runs."""
    customer = await a_customer(container)
    ids = [await queue(container, customer, f"k{i}") for i in range(10)]
    clock = FakeClock(NOW)
    sender = FakeSender(clock)
    quiet = QuietHours()
    actors = [send_one(container.uow, clock, sender, quiet, i) for i in ids + ids[::-1]]
    polls = [dispatch_due(container.uow, clock, sender, quiet, concurrency=2) for _ in range(2)]
    results = await asyncio.gather(*actors, *polls)
    assert sorted(sender.sent_ids()) == ids
    actor_sends = sum(1 for r in results[: len(actors)] if r is Outcome.SENT)
    assert actor_sends + sum(r.sent for r in results[len(actors) :]) == len(ids)
