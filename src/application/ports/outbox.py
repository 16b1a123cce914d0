"""Outbox ports: the message log and the consent record."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.ports.repositories import Repository
from domain.messaging.consent import ConsentChange
from domain.messaging.message import Message


class MessageRepository(Repository[Message], Protocol):
    """The outbox (MessageLog). `claim` is the only way a message becomes SENDING."""

    async def get_by_idempotency_key(self, key: str) -> Message | None: ...

    async def get_by_provider_id(self, provider_message_id: str) -> Message | None: ...

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        """Ids of SCHEDULED messages whose time has come, oldest first."""
        ...

    async def claim(self, message_id: int, now: datetime) -> Message | None:
        """Atomically move one due SCHEDULED message to SENDING (attempts + 1); None when
        another worker got it first or it is no longer due."""
        ...

    async def stale_sending(self, updated_before: datetime, limit: int) -> list[Message]:
        """Messages left SENDING since before `updated_before` (their worker died)."""
        ...

    async def recent_sends(self, customer_id: int, since: datetime) -> list[datetime]:
        """When this customer's non-transactional messages were sent since `since`."""
        ...


class ConsentRepository(Protocol):
    """Opt-outs and opt-ins per channel, each with its time and source."""

    async def changes(self, customer_id: int) -> list[ConsentChange]: ...

    async def record(self, customer_id: int, change: ConsentChange) -> None: ...
