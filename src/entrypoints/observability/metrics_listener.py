"""METRICS_PORT: a Prometheus listener of this process (API, worker or scheduler) on
METRICS_HOST, without a token — bind it to a private address. In multiprocess mode
(PROMETHEUS_MULTIPROC_DIR) it serves every process's counters from that directory."""

from __future__ import annotations

import logging

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from entrypoints.observability.metrics import multiprocess_dir
from entrypoints.settings.observability import ObservabilitySettings

log = logging.getLogger(__name__)


def start_metrics_listener(settings: ObservabilitySettings, *extra: Collector) -> bool:
    """Serve /metrics on METRICS_HOST:METRICS_PORT from a thread; False when unset or when
    the port is taken (a sibling process of `serve --workers N` has it: logged, not fatal)."""
    if settings.metrics_port is None:
        return False
    if multiprocess_dir() is None:
        registry: CollectorRegistry = REGISTRY
    else:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    try:
        start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=registry)
    except OSError as exc:
        log.warning(
            "metrics listener not started on %s:%d (%s); another process has the port",
            settings.metrics_host,
            settings.metrics_port,
            exc.strerror or exc,
        )
        return False
    for collector in extra:
        registry.register(collector)
    log.info("metrics on http://%s:%d/metrics", settings.metrics_host, settings.metrics_port)
    return True
