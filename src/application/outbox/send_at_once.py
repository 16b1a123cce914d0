"""Sending a message queued for "now" at once, instead of at the next poll.

`SendAtOnce` wraps a unit of work: it notes every message added through it that is
already due (and every one approved through it that is due), and once the transaction
has committed (never before: a worker must find the row) hands their ids to the
`SendQueue`. The use cases that queue messages
(`enqueue`) need not know: the composition root wraps every unit of work it makes.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from application.ports.clock import Clock
from application.ports.outbox import MessageRepository, SendQueue
from application.ports.unit_of_work import UnitOfWork
from domain.messaging.message import Message, MessageStatus

log = logging.getLogger(__name__)


class _NotingMessages:
    """The message repository, noting the id of each message added that is due now."""

    def __init__(self, inner: MessageRepository, clock: Clock, due: list[int]) -> None:
        self._inner, self._clock, self._due = inner, clock, due

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def update_if_status(self, message: Message, expected: MessageStatus) -> bool:
        """Also notes a message just approved (PENDING_APPROVAL → SCHEDULED) that is due."""
        updated = await self._inner.update_if_status(message, expected)
        approved = (
            updated
            and expected is MessageStatus.PENDING_APPROVAL
            and message.status is MessageStatus.SCHEDULED
        )
        if approved and message.id is not None and message.scheduled_for <= self._clock.now():
            self._due.append(message.id)
        return updated

    async def add(self, message: Message) -> Message:
        stored = await self._inner.add(message)
        due = stored.scheduled_for <= self._clock.now()
        if stored.id is not None and stored.status is MessageStatus.SCHEDULED and due:
            self._due.append(stored.id)
        return stored


class SendAtOnce:
    """A unit of work that, after its commit, asks the `SendQueue` to send the messages it
    queued for now; in every other respect it is the unit of work it wraps."""

    def __init__(self, uow: UnitOfWork, queue: SendQueue, clock: Clock) -> None:
        self._uow, self._queue, self._clock = uow, queue, clock
        self._due: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def wrapped(self) -> UnitOfWork:
        """The unit of work this one wraps (read queries run on its connection)."""
        return self._uow

    @property
    def messages(self) -> MessageRepository:
        return _NotingMessages(self._uow.messages, self._clock, self._due)

    def read_only(self) -> Self:
        self._uow.read_only()
        return self

    async def __aenter__(self) -> Self:
        await self._uow.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self._due.clear()  # uncommitted: nothing to send
        await self._uow.__aexit__(*exc_info)

    async def commit(self) -> None:
        await self._uow.commit()
        due = list(self._due)
        self._due.clear()
        for message_id in due:
            try:
                await self._queue.send_now(message_id)
            except Exception:  # the poll sends it within a minute
                log.warning("message %s: not handed to a worker now; the poll will", message_id)
