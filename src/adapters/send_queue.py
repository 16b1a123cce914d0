"""SendQueue adapters: the Dramatiq `send_message` actor, or nothing (the poll sends)."""

from __future__ import annotations

import asyncio
from typing import Any

import dramatiq


class DramatiqSendQueue:
    """Enqueues `send_message(message_id)` on the actor's broker (Redis or in-process)."""

    def __init__(self, actor: dramatiq.Actor[Any, Any]) -> None:
        self._actor = actor

    async def send_now(self, message_id: int) -> None:
        await asyncio.to_thread(self._actor.send, message_id)


class PollOnly:
    """No worker to hand messages to in this process: the once-a-minute poll sends them."""

    async def send_now(self, message_id: int) -> None:
        return None
