"""Traces across the enqueue: the span of the request (or pass) that sends a message is the
parent of the actor's span in the worker (W3C trace context in the message's options)."""

from __future__ import annotations

import threading
from typing import Any

import dramatiq
from dramatiq.middleware import Middleware
from opentelemetry import context, propagate
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context

from entrypoints.observability.tracing import tracer

OPTION = "trace_context"


class TraceContext(Middleware):
    """One CONSUMER span per processed message, child of the enqueueing span."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[Any, object]] = {}
        self._lock = threading.Lock()

    def before_enqueue(self, broker: dramatiq.Broker, message: Any, delay: int) -> None:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        if carrier:
            message.options[OPTION] = carrier

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        carrier = message.options.get(OPTION)
        parent = propagate.extract(carrier) if isinstance(carrier, dict) else None
        current = tracer().start_span(
            f"dramatiq {message.actor_name}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "dramatiq",
                "messaging.destination.name": message.queue_name,
                "messaging.message.id": message.message_id,
            },
        )
        token = context.attach(set_span_in_context(current))
        with self._lock:
            self._open[message.message_id] = (current, token)

    def after_process_message(
        self, broker: dramatiq.Broker, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        self._close(message, exception)

    def after_skip_message(self, broker: dramatiq.Broker, message: Any) -> None:
        self._close(message, None)

    def _close(self, message: Any, exception: BaseException | None) -> None:
        with self._lock:
            opened = self._open.pop(message.message_id, None)
        if opened is None:
            return
        current, token = opened
        if exception is not None:
            current.record_exception(exception)
            current.set_status(Status(StatusCode.ERROR, type(exception).__name__))
        current.end()
        context.detach(token)  # type: ignore[arg-type]  # same worker thread as the attach
