"""A per-sender rate limit: at most N sends a second from one Twilio number / messaging
service or to one SMTP server, so a morning wave does not flood the provider's queue
(Twilio queues per sender and fails what waits past the validity period).

`Pacer` keeps the pace in one process; with REDIS_URL every process shares one pace per
sender (redis_pacer.py). A send waiting for its slot is still SENDING, so keep the longest
wait (worker processes x DISPATCH_CONCURRENCY / rate) well below WORKER_STALE_SENDING_SECONDS.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from application.ports.outbox import MessageSender, SendResult
from domain.messaging.message import Message, MessageStatus


class Pacer:
    """Hands out start times `1 / per_second` apart for each key; `wait` sleeps until the
    caller's slot."""

    def __init__(
        self,
        per_second: float,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self._gap = 1.0 / per_second
        self._now, self._sleep = now, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def slot(self, key: str) -> float:
        """Take the next free start time for `key` (never earlier than now)."""
        with self._lock:
            now = self._now()
            start = max(self._next.get(key, now), now)
            self._next[key] = start + self._gap
            return start

    async def wait(self, key: str) -> None:
        await self.sleep_for(self.slot(key) - self._now())

    async def sleep_for(self, delay: float) -> None:
        """Sleep `delay` seconds (nothing when it is not positive)."""
        if delay > 0:
            await self._sleep(delay)


class SendPace(Protocol):
    """Waits until a send from `key` (a sender) may start: this process's `Pacer`, or one
    shared by every process (`RedisPacer`)."""

    async def wait(self, key: str) -> None: ...


class PacedSender:
    """A MessageSender whose sends wait for their sender's slot (`key` names the sender a
    message goes out from)."""

    def __init__(
        self, inner: MessageSender, pacer: SendPace, key: Callable[[Message], str]
    ) -> None:
        self._inner, self._pacer, self._key = inner, pacer, key

    async def send(self, message: Message) -> SendResult:
        await self._pacer.wait(self._key(message))
        return await self._inner.send(message)

    def choose_id(self, message: Message) -> str | None:
        return self._inner.choose_id(message)

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        return await self._inner.fetch_status(message)
