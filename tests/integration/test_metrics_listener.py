"""METRICS_PORT: a process's own Prometheus listener, with the outbox gauges it refreshes;
a second process on the same port goes on without one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from prometheus_client import REGISTRY

from entrypoints.container import Container
from entrypoints.observability.metrics_listener import start_metrics_listener
from entrypoints.observability.state_metrics import LatestOutbox
from entrypoints.settings.observability import ObservabilitySettings
from tests.integration.workers_support import free_port, seed_due_messages


async def test_the_listener_serves_the_outbox_gauges(container: Container) -> None:
    await seed_due_messages(container, 2)
    outbox = LatestOutbox()
    await outbox.refresh(container.engine(), datetime.now(UTC))
    settings = ObservabilitySettings(metrics_port=free_port())
    try:
        assert start_metrics_listener(settings, outbox)
        assert not start_metrics_listener(settings)  # the port is taken: no crash
        url = f"http://127.0.0.1:{settings.metrics_port}/metrics"
        response = await asyncio.to_thread(httpx.get, url, timeout=5)
    finally:
        REGISTRY.unregister(outbox)
    assert response.status_code == 200
    assert 'fieldcrm_outbox_messages{status="SCHEDULED"} 2.0' in response.text
    assert "fieldcrm_outbox_oldest_due_age_seconds" in response.text
    assert "fieldcrm_http_request_duration_seconds" in response.text
