"""Capturing OpenTelemetry spans in memory. The tracer provider is installed once per test
process (OpenTelemetry allows one); the exporter records only while a test asks for it,
so the tests that run later in the process keep no spans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from entrypoints.observability.tracing import configure_tracing


class RecordingWhileAsked(InMemorySpanExporter):
    recording = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not self.recording:
            return SpanExportResult.SUCCESS
        return super().export(spans)


_EXPORTER: RecordingWhileAsked | None = None


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    global _EXPORTER
    if _EXPORTER is None:
        _EXPORTER = RecordingWhileAsked()
        configure_tracing("test", SimpleSpanProcessor(_EXPORTER))
    _EXPORTER.clear()
    _EXPORTER.recording = True
    try:
        yield _EXPORTER
    finally:
        _EXPORTER.recording = False
        _EXPORTER.clear()
