"""Liveness of the worker and the scheduler: a heartbeat key in Redis, checked by
`fieldcrm health --component worker|scheduler` (exit code 0 when fresh, 1 when not).

Each process writes `<namespace>:heartbeat:<component>:<host>:<pid>` every
HEARTBEAT_SECONDS with a time-to-live of HEARTBEAT_STALE_SECONDS: a process that dies,
hangs or loses Redis stops refreshing it and the key expires. The worker writes from a
thread of its own; the scheduler from its event loop (a blocked loop stops the beat).
The check looks at this host's processes (a Kubernetes exec probe, a systemd watchdog
script) or, with `anywhere=True`, at every host's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

import redis

COMPONENTS = ("worker", "scheduler")
log = logging.getLogger(__name__)


def _prefix(namespace: str, component: str) -> str:
    return f"{namespace}:heartbeat:{component}"


def heartbeat_key(namespace: str, component: str) -> str:
    return f"{_prefix(namespace, component)}:{socket.gethostname()}:{os.getpid()}"


def beat(client: redis.Redis, namespace: str, component: str, ttl_seconds: int) -> None:
    client.set(heartbeat_key(namespace, component), f"{time.time():.3f}", ex=ttl_seconds)


def stop_beating(client: redis.Redis, namespace: str, component: str) -> None:
    client.delete(heartbeat_key(namespace, component))


@dataclass(frozen=True, slots=True)
class Health:
    healthy: bool
    detail: str


def check(
    client: redis.Redis, namespace: str, component: str, stale_seconds: int, anywhere: bool
) -> Health:
    """Healthy when at least one heartbeat of `component` (on this host, unless `anywhere`)
    is younger than `stale_seconds`."""
    host = "*" if anywhere else socket.gethostname()
    pattern = f"{_prefix(namespace, component)}:{host}:*"
    now = time.time()
    ages = []
    for key in client.scan_iter(match=pattern, count=100):
        value = client.get(key)
        if value is not None:
            ages.append(now - float(value))
    fresh = [age for age in ages if age <= stale_seconds]
    where = "any host" if anywhere else f"host {socket.gethostname()}"
    if fresh:
        return Health(
            True, f"{component}: {len(fresh)} alive on {where} (last beat {min(fresh):.1f} s ago)"
        )
    if ages:
        return Health(False, f"{component}: last beat on {where} {min(ages):.0f} s ago (stale)")
    return Health(False, f"{component}: no heartbeat on {where}")


class HeartbeatThread:
    """Beats from a daemon thread until `stop()` (the worker)."""

    def __init__(
        self, client: redis.Redis, namespace: str, component: str, every: int, ttl: int
    ) -> None:
        self._client, self._namespace, self._component = client, namespace, component
        self._every, self._ttl = every, ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"{component}-heartbeat", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                beat(self._client, self._namespace, self._component, self._ttl)
            except redis.RedisError as exc:
                log.warning("%s heartbeat not written: %s", self._component, type(exc).__name__)
            self._stop.wait(self._every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(redis.RedisError):
            stop_beating(self._client, self._namespace, self._component)
