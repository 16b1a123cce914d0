"""A MessageSender around the real one that counts each send by channel and outcome,
times the provider's answer and wraps the call in a trace span."""

from __future__ import annotations

import time

from application.ports.outbox import MessageSender, SendError, SendResult
from domain.messaging.message import Message, MessageStatus
from entrypoints.observability.metrics import observe_send
from entrypoints.observability.tracing import span


def outcome_of(error: BaseException | None) -> str:
    """accepted, refused, retryable (certainly not accepted), unknown, error (a bug)."""
    if error is None:
        return "accepted"
    if isinstance(error, SendError):
        if error.outcome_unknown:
            return "unknown"
        return "retryable" if error.retryable else "refused"
    return "error"


class ObservedSender:
    """Delegates to `inner`; adds the metrics and the span."""

    def __init__(self, inner: MessageSender) -> None:
        self._inner = inner

    async def send(self, message: Message) -> SendResult:
        channel = message.channel.value
        started = time.perf_counter()
        error: BaseException | None = None
        with span(
            "message.send", {"messaging.channel": channel, "fieldcrm.message_id": message.id}
        ):
            try:
                return await self._inner.send(message)
            except BaseException as exc:
                error = exc
                raise
            finally:
                observe_send(channel, outcome_of(error), time.perf_counter() - started)

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        with span("message.fetch_status", {"messaging.channel": message.channel.value}):
            return await self._inner.fetch_status(message)

    def choose_id(self, message: Message) -> str | None:
        return self._inner.choose_id(message)
