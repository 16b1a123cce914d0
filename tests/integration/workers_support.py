"""Support of the worker and scheduler process tests: a loopback fake provider that counts
every send (it lives in the test process, so its counts survive a killed worker), the
sender the worker processes use to reach it, and helpers to run `fieldcrm` processes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis

from application.outbox.enqueue import enqueue
from domain.customer import Customer
from domain.messaging.message import Message, MessageStatus, Purpose, compose
from entrypoints.container import Container
from tests.unit.builders import customer_details

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("FIELDCRM_TEST_REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_redis() -> str:
    """The test Redis URL; skips without it, fails in CI or when it does not answer."""
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("CI=true but FIELDCRM_TEST_REDIS_URL is not set: Redis tests cannot run")
        pytest.skip("FIELDCRM_TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at FIELDCRM_TEST_REDIS_URL={REDIS_URL} is unreachable: {exc}")
    finally:
        client.close()
    return REDIS_URL


def unique_namespace() -> str:
    return f"fieldcrm-test-{uuid.uuid4().hex[:12]}"


def delete_namespace(url: str, namespace: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- the fake provider ----------------------------------------------------------------


class LoopbackProvider:
    """An HTTP "SMS provider" on 127.0.0.1: POST /messages {"message_id"} → {"sid"};
    GET /messages/<sid> → {"status"}. Counts every send it receives, per message id.

    `hold_at=n` makes the n-th send wait (received and counted, not answered) until
    `release()`: a worker killed then dies with the provider holding the message.
    """

    def __init__(self, delay_seconds: float = 0.0, hold_at: int | None = None) -> None:
        self.received: Counter[int] = Counter()
        self.delay_seconds = delay_seconds
        self.hold_at = hold_at
        self.holding = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                message_id = int(body["message_id"])
                with provider._lock:
                    provider.received[message_id] += 1
                    count = sum(provider.received.values())
                if provider.hold_at is not None and count == provider.hold_at:
                    provider.holding.set()
                    provider._release.wait(30)
                if provider.delay_seconds:
                    time.sleep(provider.delay_seconds)
                self._answer({"sid": f"SM{message_id:08d}"})

            def do_GET(self) -> None:
                self._answer({"status": "delivered"})

            def _answer(self, payload: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the worker was killed while we held its request

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def total(self) -> int:
        with self._lock:
            return sum(self.received.values())

    def duplicates(self) -> dict[int, int]:
        with self._lock:
            return {m: n for m, n in self.received.items() if n > 1}

    def release(self) -> None:
        self._release.set()

    def __enter__(self) -> LoopbackProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


class LoopbackSender:
    """The MessageSender the worker processes use in these tests (see fault_worker.py)."""

    def __init__(self, url: str) -> None:
        import httpx

        self._client = httpx.AsyncClient(base_url=url, timeout=30)

    async def send(self, message: Message) -> Any:
        from application.ports.outbox import SendResult

        response = await self._client.post("/messages", json={"message_id": message.id})
        response.raise_for_status()
        return SendResult(response.json()["sid"])

    def choose_id(self, message: Message) -> str | None:
        return None

    async def fetch_status(self, message: Message) -> MessageStatus | None:
        response = await self._client.get(f"/messages/{message.provider_message_id}")
        return MessageStatus.DELIVERED if response.status_code == 200 else None


# --- processes ------------------------------------------------------------------------


def process_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCHEDULE_", "WORKER_", "REDIS_", "DATABASE_", "QUIET_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        PYTHONUNBUFFERED="1",
        FIELDCRM_ENV="test",
        JWT_SECRET="test-secret-" + "x" * 40,
        LOG_LEVEL="INFO",
        # Every job rare unless a test says otherwise: once a year, on 1 January.
        SCHEDULE_DISPATCH="0 0 1 1 *",
        SCHEDULE_RECONCILE="0 0 1 1 *",
        SCHEDULE_FOLLOW_UPS="0 0 1 1 *",
        SCHEDULE_MAINTENANCE="0 0 1 1 *",
        SCHEDULE_SURVEYS="0 0 1 1 *",
        SCHEDULE_PRUNE="0 0 1 1 *",
    )
    env.update(overrides)
    return env


def fieldcrm(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", command],
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def fault_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`fieldcrm worker` with the loopback sender (FAKE_PROVIDER_URL) in place of Twilio."""
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.fault_worker"],
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(timeout)


def wait_for(
    predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def midday_zone(now: datetime | None = None) -> str:
    """A fixed-offset zone where it is about noon now, so the default allowed contact window
    (08:00-21:00 local) is open whenever the test runs."""
    now = now or datetime.now(UTC)
    offset = (12 - now.hour + 12) % 24 - 12  # local = UTC + offset, offset in [-12, 11]
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-3 is UTC+3


async def seed_due_messages(container: Container, count: int) -> list[int]:
    now = datetime.now(UTC)
    async with container.uow() as uow:
        customer = await uow.customers.add(
            Customer.register(customer_details(time_zone=midday_zone()), now)
        )
        ids = []
        for n in range(count):
            message = compose(
                customer,
                Purpose.TRANSACTIONAL,
                f"Your appointment reminder #{n}",
                f"fault-test:{n}",
                now - timedelta(minutes=1),
                now,
            )
            stored = await enqueue(uow.messages, message)
            assert stored.id is not None
            ids.append(stored.id)
        await uow.commit()
    return ids
