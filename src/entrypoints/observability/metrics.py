"""fieldcrm's Prometheus metrics (prometheus-client), defined once for every process.

Counters and histograms are process-local; with PROMETHEUS_MULTIPROC_DIR set (several
`fieldcrm serve --workers N` processes, or workers on one host) prometheus-client writes
them to files in that directory and `/metrics` aggregates every process's files. Gauges
that describe the database (outbox by status, oldest due age, NEEDS_REVIEW, pool in use)
are computed when scraped (see outbox_metrics.py), not stored.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

PREFIX = "fieldcrm"

HTTP_REQUEST_SECONDS = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "HTTP request latency by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SENDS = Counter(
    f"{PREFIX}_message_sends_total",
    "Messages handed to a provider, by channel and outcome",
    ["channel", "outcome"],
)
PROVIDER_SECONDS = Histogram(
    f"{PREFIX}_provider_request_duration_seconds",
    "Time a provider (Twilio, SMTP) took to take or refuse a message",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
LLM_CALLS = Counter(
    f"{PREFIX}_llm_answers_total",
    "LLM answers by task and cache (hit, miss) and whether answered offline",
    ["task", "cache", "degraded"],
)
LLM_TOKENS = Counter(f"{PREFIX}_llm_tokens_total", "LLM tokens used", ["kind"])
LLM_COST = Counter(
    f"{PREFIX}_llm_estimated_cost_total",
    "Estimated LLM cost (LLM_PRICE_* per 1,000 tokens; the prices' currency)",
)
LLM_SECONDS = Histogram(
    f"{PREFIX}_llm_request_duration_seconds",
    "LLM call latency (cache misses)",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)
SCHEDULER_PASSES = Counter(
    f"{PREFIX}_scheduler_periods_total",
    "Scheduler passes per job and trigger (cron: the job's fire; catch_up: the pass that "
    "enqueues a period missed while nothing ran) and result: claimed (this scheduler "
    "enqueued a period), nothing_due (already claimed or not due), failed (retried later)",
    ["job", "trigger", "result"],
)


#: Methods kept as their own label value; any other name a client sends is counted as
#: OTHER (a method is any token: a client must not grow the series without bound).
HTTP_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
)
# The labelled children, looked up once: one entry per series, as many as the registry holds.
_http_series: dict[tuple[str, str, int], Any] = {}


def observe_http_request(method: str, route: str, status: int, seconds: float) -> None:
    """One request's latency under its method, route template and status (every label
    bounded: the templates are the app's, OTHER stands for unknown methods)."""
    key = (method if method in HTTP_METHODS else "OTHER", route, status)
    series = _http_series.get(key)
    if series is None:
        series = _http_series[key] = HTTP_REQUEST_SECONDS.labels(key[0], route, str(status))
    series.observe(seconds)


def count_scheduler_pass(job: str, trigger: str, result: str) -> None:
    SCHEDULER_PASSES.labels(job, trigger, result).inc()


def observe_send(channel: str, outcome: str, seconds: float) -> None:
    SENDS.labels(channel, outcome).inc()
    PROVIDER_SECONDS.labels(channel).observe(seconds)


class PrometheusLlmMeter:
    """The LlmMeter port: one call per answer the gateway gives."""

    def answered(
        self,
        task: str,
        cached: bool,
        degraded: bool,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        cost: Decimal,
    ) -> None:
        LLM_CALLS.labels(task, "hit" if cached else "miss", str(degraded).lower()).inc()
        if cached:
            return
        LLM_TOKENS.labels("prompt").inc(prompt_tokens)
        LLM_TOKENS.labels("completion").inc(completion_tokens)
        LLM_COST.inc(float(cost))
        LLM_SECONDS.observe(latency_ms / 1000)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(*extra: Collector) -> tuple[bytes, str]:
    """The metrics text of this process (or of every process, in multiprocess mode) plus
    `extra` collectors' series; and its content type."""
    if multiprocess_dir() is None:
        registry: CollectorRegistry = REGISTRY
        extra_registry = CollectorRegistry()
    else:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        extra_registry = registry
    for collector in extra:
        extra_registry.register(collector)
    text = generate_latest(registry)
    if extra_registry is not registry:
        text += generate_latest(extra_registry)
    return text, CONTENT_TYPE_LATEST
