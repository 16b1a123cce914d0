"""Traces with OpenTelemetry, off by default.

With OTEL_EXPORTER_OTLP_ENDPOINT set, `configure_tracing` installs a tracer provider that
exports spans by OTLP over HTTP (the exporter reads the OTEL_* variables itself:
endpoint, headers, timeout). Without it no tracer provider is installed, and `span()`
does no OpenTelemetry work unless handed a caller's context (a `traceparent`): it yields
the current, non-recording span, the one the API's no-op tracer would make current again.
Spans: HTTP requests (request_telemetry), SQL statements (`trace_sql`), Dramatiq actors,
linked to the request that enqueued them through the message options (TraceContext
middleware), and the calls to Twilio, SMTP (ObservedSender) and the LLM (TracedLlmClient).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import (
    NonRecordingSpan,
    ProxyTracerProvider,
    Span,
    SpanKind,
    Status,
    StatusCode,
)

TRACER_NAME = "fieldcrm"
_configured = False


def tracing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = environ if environ is not None else os.environ
    return bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing(role: str, processor: SpanProcessor | None = None) -> bool:
    """Install the tracer provider when an OTLP endpoint is set (or `processor` is given,
    e.g. tests' in-memory exporter). Returns whether tracing is on."""
    global _configured
    if processor is None:
        if not tracing_enabled():
            return False
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())
    if _configured:
        provider = trace.get_tracer_provider()
        if isinstance(provider, TracerProvider):
            provider.add_span_processor(processor)
            return True
    from entrypoints.observability.sql_tracing import trace_sql

    service = os.environ.get("OTEL_SERVICE_NAME") or f"fieldcrm-{role}"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    trace_sql()
    _configured = True
    return True


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def untraced() -> bool:
    """No tracer provider is installed (the API's proxy stands in): spans record nothing."""
    return isinstance(trace.get_tracer_provider(), ProxyTracerProvider)


@contextmanager
def span(
    name: str,
    attributes: Mapping[str, Any] | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    context: Any = None,
) -> Iterator[Span]:
    """A span around the block; an exception marks it as an error and goes on.

    Untraced and with no caller's context, the API's no-op tracer would make the current
    span (non-recording) current again: that span is yielded with no context switched."""
    if context is None and untraced():
        current = trace.get_current_span()
        if isinstance(current, NonRecordingSpan):
            yield current
            return
    clean = {k: v for k, v in (attributes or {}).items() if v is not None}
    with tracer().start_as_current_span(
        name, context=context, kind=kind, attributes=clean, record_exception=True
    ) as started:
        yield started


def mark_error(current: Span, description: str) -> None:
    current.set_status(Status(StatusCode.ERROR, description))
