"""Records the workers write and no endpoint creates, for the HTTP tests: a maintenance
alert (what the prediction pass raises), a call task (what the PHONE channel hands over
when no message is behind it), a reminder held for approval (what the maintenance pass
queues) and a message left NEEDS_REVIEW (a send whose answer was lost, as the reconciler
leaves it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from domain.maintenance_alert import MaintenanceAlert
from domain.messaging.call_task import CallTask
from domain.messaging.message import MessageStatus, Purpose, compose

RAISED_AT = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


async def raise_alert(
    container: Any, customer_id: int, appliance_id: int, due: date = date(2030, 3, 1)
) -> int:
    """An OPEN alert for the appliance, as the maintenance pass writes it."""
    alert = MaintenanceAlert(
        appliance_id, customer_id, due, 0.8, "service interval", *[RAISED_AT] * 2
    )
    async with container.uow() as uow:
        await uow.maintenance_alerts.add(alert)
        await uow.commit()
    assert alert.id is not None
    return alert.id


async def add_call_task(
    container: Any, customer_id: int, at: datetime = RAISED_AT, message_id: int | None = None
) -> int:
    """An OPEN call task, as the PHONE channel writes it."""
    task = CallTask(customer_id, "Call about the fridge", at, message_id=message_id)
    async with container.uow() as uow:
        await uow.call_tasks.add(task)
        await uow.commit()
    assert task.id is not None
    return task.id


async def hold_reminder(container: Any, customer_id: int, at: datetime = RAISED_AT) -> int:
    """A MARKETING reminder an insight wrote, PENDING_APPROVAL as the maintenance pass
    queues it."""
    async with container.uow() as uow:
        customer = await uow.customers.get(customer_id)
        key = f"test-reminder:{customer_id}:{at.isoformat()}"
        message = compose(customer, Purpose.MARKETING, "Your fridge is due", key, at, at)
        message.hold_for_approval(frozenset())
        stored = await uow.messages.add(message)
        await uow.commit()
    assert stored.id is not None
    return stored.id


async def lost_answer(
    container: Any, customer_id: int, provider_id: str = "smtp-0123abcd", follow_up_id: Any = None
) -> int:
    """A message the reconciler marked NEEDS_REVIEW: sent, its answer never stored."""
    async with container.uow() as uow:
        customer = await uow.customers.get(customer_id)
        message = compose(
            customer,
            Purpose.TRANSACTIONAL,
            "Your technician is on the way.",
            f"lost-answer:{customer_id}:{provider_id}",
            RAISED_AT,
            RAISED_AT,
            follow_up_id=follow_up_id,
        )
        message.status = MessageStatus.NEEDS_REVIEW
        message.attempts, message.provider_message_id = 1, provider_id
        message.last_error = "worker stopped mid-send; check before resending"
        stored = await uow.messages.add(message)
        await uow.commit()
    assert stored.id is not None
    return stored.id
