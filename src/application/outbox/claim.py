"""Step 1 of sending: claim a due message (SCHEDULED → SENDING) and read what deciding needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from application.ports.unit_of_work import UnitOfWork
from domain.customer import Customer
from domain.messaging.consent import Consent
from domain.messaging.message import Message, Purpose
from domain.messaging.send_policy import CAP_WINDOW

UowFactory = Callable[[], UnitOfWork]


@dataclass(slots=True)
class Claimed:
    """A message this worker owns now (SENDING), with its customer's current record."""

    message: Message
    customer: Customer | None
    consent: Consent
    recent_sends: list[datetime]


async def claim(uow_factory: UowFactory, now: datetime, message_id: int) -> Claimed | None:
    """Claim the message in one short transaction; None when it is not due or another
    worker claimed it first. Customer, consent (the latest ledger entry per channel x
    purpose) and recent sends are read in it too."""
    async with uow_factory() as uow:
        message = await uow.messages.claim(message_id, now)
        if message is None:
            return None
        customer = await uow.customers.get(message.customer_id)
        latest = await uow.consents.latest(message.customer_id)
        recent: list[datetime] = []
        if message.purpose is not Purpose.TRANSACTIONAL:  # the only ones the cap counts
            recent = await uow.messages.recent_sends(message.customer_id, now - CAP_WINDOW)
        await uow.commit()
    return Claimed(message, customer, Consent.from_entries(latest), list(recent))
