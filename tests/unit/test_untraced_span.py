"""`span()` with no tracer provider installed skips OpenTelemetry and gives what the API's
no-op tracer gives: the same span yielded, the same span current inside, exceptions passed
on; with a provider installed it records spans as before."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from opentelemetry import context, trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import (
    NonRecordingSpan,
    ProxyTracerProvider,
    SpanContext,
    SpanKind,
    TraceFlags,
)

from entrypoints.observability import tracing
from entrypoints.observability.tracing import span
from tests.span_capture import spans  # noqa: F401  (fixture)

REMOTE = NonRecordingSpan(
    SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, True, TraceFlags(1))
)


@pytest.fixture
def no_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process as it runs without OTEL_EXPORTER_OTLP_ENDPOINT: only the API's proxy."""
    monkeypatch.setattr(trace, "get_tracer_provider", ProxyTracerProvider)


@pytest.fixture(params=["no parent", "caller's trace current"])
def ambient(request: pytest.FixtureRequest) -> Iterator[None]:
    """Either no span current, or a caller's (remote, non-recording) span current."""
    if request.param == "no parent":
        yield
        return
    token = context.attach(trace.set_span_in_context(REMOTE))
    try:
        yield
    finally:
        context.detach(token)


def _inside(manager: object) -> tuple[object, object]:
    """(the span the block got, the span current inside the block)."""
    with manager as got:  # type: ignore[attr-defined]
        return got, trace.get_current_span()


def _no_tracer() -> trace.Tracer:
    raise AssertionError("the untraced span asked OpenTelemetry for a tracer")


@pytest.mark.usefixtures("no_provider", "ambient")
def test_untraced_span_gives_what_the_no_op_tracer_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert tracing.untraced()
    monkeypatch.setattr(tracing, "tracer", _no_tracer)
    no_op = trace.NoOpTracer().start_as_current_span(
        "HTTP GET", kind=SpanKind.SERVER, attributes={"a": 1}, record_exception=True
    )
    expected = _inside(no_op)
    got = _inside(span("HTTP GET", {"a": 1, "b": None}, kind=SpanKind.SERVER))
    assert got[0] is expected[0] and got[1] is expected[1]
    assert got[0] is trace.get_current_span()  # nothing left switched


@pytest.mark.usefixtures("no_provider", "ambient")
def test_untraced_span_passes_exceptions_on() -> None:
    with pytest.raises(ZeroDivisionError), span("failing"):
        _ = 1 / 0


@pytest.mark.usefixtures("no_provider")
def test_a_callers_context_still_goes_through_the_no_op_tracer() -> None:
    parent = trace.set_span_in_context(REMOTE)
    with span("HTTP GET", kind=SpanKind.SERVER, context=parent) as current:
        assert current is REMOTE and trace.get_current_span() is REMOTE


def test_a_configured_provider_records_the_span(
    spans: InMemorySpanExporter,  # noqa: F811
) -> None:
    assert not tracing.untraced()
    with span("work", {"job.id": 7, "skipped": None}, kind=SpanKind.CLIENT) as current:
        assert current.is_recording()
    (finished,) = [s for s in spans.get_finished_spans() if s.name == "work"]
    assert finished.kind is SpanKind.CLIENT and dict(finished.attributes or {}) == {"job.id": 7}


def test_a_fresh_process_is_untraced_until_tracing_is_configured() -> None:
    script = (
        "from opentelemetry.sdk.trace.export import SimpleSpanProcessor\n"
        "from opentelemetry.sdk.trace.export.in_memory_span_exporter import "
        "InMemorySpanExporter\n"
        "from entrypoints.observability import tracing\n"
        "before = tracing.untraced()\n"
        "tracing.configure_tracing('test', SimpleSpanProcessor(InMemorySpanExporter()))\n"
        "print(before, tracing.untraced())\n"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no OTEL_* variables
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "False"]
