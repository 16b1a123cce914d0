"""Traces across the enqueue: the actor's span in the worker is a child of the span that
sent its message; SQL statements and the provider call are spans inside it."""

from __future__ import annotations

import asyncio

from dependency_injector import providers
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from application.ports.outbox import SendError
from entrypoints.container import Container
from entrypoints.observability.observed_sender import outcome_of
from entrypoints.observability.tracing import span
from entrypoints.workers.broker import build_broker
from entrypoints.workers.runtime import start_worker
from tests.fakes import FakeSender
from tests.integration.workers_support import seed_due_messages
from tests.overrides import container_for_tests
from tests.span_capture import spans  # noqa: F401  (fixture)


async def test_the_actor_span_continues_the_trace_of_the_enqueue(
    container: Container,
    spans,  # noqa: F811
) -> None:
    [message_id] = await seed_due_messages(container, 1)
    accepted = {"channel": "SMS", "outcome": "accepted"}
    sends_before = REGISTRY.get_sample_value("fieldcrm_message_sends_total", accepted) or 0
    worker_container = container_for_tests(container.settings())
    sender = FakeSender()
    worker_container.message_sender.override(providers.Object(sender))
    broker = build_broker(None)
    worker, actors = start_worker(broker, worker_container, threads=1)
    try:
        with span("POST /messages", kind=SpanKind.SERVER) as request:
            actors["send_message"].send(message_id)
        await asyncio.to_thread(broker.join, "default", fail_fast=True)
        await asyncio.to_thread(worker.join)
    finally:
        await asyncio.to_thread(worker.stop)
        broker.close()
        await worker_container.engine().dispose()
    assert len(sender.sent) == 1
    assert REGISTRY.get_sample_value("fieldcrm_message_sends_total", accepted) == sends_before + 1

    finished = spans.get_finished_spans()
    by_name = {s.name: s for s in finished}
    actor = by_name["dramatiq send_message"]
    trace_id = request.get_span_context().trace_id
    assert actor.kind is SpanKind.CONSUMER
    assert actor.context.trace_id == trace_id
    assert actor.parent is not None and actor.parent.span_id == request.get_span_context().span_id

    send = by_name["message.send"]
    assert send.parent is not None and send.parent.span_id == actor.context.span_id
    assert send.attributes["messaging.channel"] == "SMS"
    sql = [s for s in finished if s.name.startswith("db ") and s.context.trace_id == trace_id]
    assert sql and all(s.kind is SpanKind.CLIENT for s in sql)
    assert any("messages" in str(s.attributes["db.statement"]) for s in sql)  # the claim


def test_send_outcomes_are_named_for_the_operator() -> None:
    assert outcome_of(None) == "accepted"
    assert outcome_of(SendError(False, "invalid number")) == "refused"
    assert outcome_of(SendError(True, "rate limited")) == "retryable"
    assert outcome_of(SendError(True, "timeout", outcome_unknown=True)) == "unknown"
    assert outcome_of(RuntimeError("bug")) == "error"
