"""Fault tests of the whole sending loop with real processes, Redis and the database.

`fieldcrm scheduler` fires dispatch and reconcile every second; workers (`fieldcrm worker`
with a loopback fake provider as the sender, tests/integration/fault_worker.py) send a
batch of 200 due messages. The provider lives in this test process, so its counts survive
what happens to the workers.

1. SIGKILL: the worker is killed while the provider holds one of its sends (received, not
   yet answered: the worst moment). A fresh worker finishes the batch; the dead worker's
   unacked Dramatiq message is requeued after the (shortened) heartbeat timeout; the one
   message whose outcome the dead worker never learnt goes to NEEDS_REVIEW and is not
   resent. Every message reaches the provider exactly once.
2. Redis restarted mid-run (a private redis-server without persistence, so the restart
   loses every queued message): the outbox in the database is the truth, so every message
   is still sent exactly once.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from adapters.sqlalchemy.tables import messages as messages_table
from domain.messaging.message import MessageStatus
from entrypoints.container import Container
from tests.conftest import POSTGRES_URL
from tests.integration.workers_support import (
    IN_CI,
    LoopbackProvider,
    delete_namespace,
    fault_worker,
    fieldcrm,
    free_port,
    process_env,
    require_redis,
    seed_due_messages,
    stop,
    unique_namespace,
)

pytestmark = pytest.mark.parametrize(
    "database_url", ["postgresql" if POSTGRES_URL else "sqlite"], indirect=True
)
BATCH = 200
M = MessageStatus
FAST = {
    "SCHEDULE_DISPATCH": "* * * * * *",
    "SCHEDULE_RECONCILE": "* * * * * *",
    "WORKER_HEARTBEAT_TIMEOUT_SECONDS": "2",
    "WORKER_REQUEUE_CHECK_PER_MILLION": "1000000",
    "WORKER_STALE_SENDING_SECONDS": "2",
    # One send in flight: the kill catches exactly the held one (with more, the others
    # claimed but not yet handed over also go to review, as this sender chooses no ids).
    "DISPATCH_CONCURRENCY": "1",
}


async def statuses(container: Container) -> dict[int, str]:
    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(messages_table.c.id, messages_table.c.status))).all()
    return {row.id: str(row.status) for row in rows}


async def wait_until_settled(container: Container, timeout: float) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        current = await statuses(container)
        open_ = [i for i, s in current.items() if s in (M.SCHEDULED.value, M.SENDING.value)]
        if not open_:
            return current
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(open_)} messages still open after {timeout:.0f}s")
        await asyncio.sleep(0.2)


def log_text(*logs: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in logs)


@pytest.fixture
def redis_namespace() -> Iterator[tuple[str, str]]:
    url = require_redis()
    namespace = unique_namespace()
    yield url, namespace
    delete_namespace(url, namespace)


def unacked_keys(url: str, namespace: str) -> set[bytes]:
    client = redis.Redis.from_url(url)
    try:
        return {
            key for key in client.scan_iter(match=f"{namespace}:__acks__.*") if client.scard(key)
        }
    finally:
        client.close()


async def test_a_worker_killed_mid_batch_sends_nothing_twice(
    container: Container, redis_namespace: tuple[str, str], tmp_path: Path
) -> None:
    url, namespace = redis_namespace
    ids = await seed_due_messages(container, BATCH)
    logs = [tmp_path / name for name in ("scheduler.log", "worker-a.log", "worker-b.log")]
    with LoopbackProvider(hold_at=BATCH // 3) as provider:
        env = process_env(
            DATABASE_URL=container.settings().database_url,
            REDIS_URL=url,
            WORKER_REDIS_NAMESPACE=namespace,
            FAKE_PROVIDER_URL=provider.url,
            WORKER_THREADS="1",
            **FAST,
        )
        scheduler = fieldcrm("scheduler", env, logs[0])
        worker_a = fault_worker(env, logs[1])
        worker_b = None
        try:
            for _ in range(600):
                if provider.holding.is_set() or worker_a.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            assert provider.holding.is_set(), log_text(*logs)
            in_flight = unacked_keys(url, namespace)  # the dead worker's unacked message
            worker_a.send_signal(signal.SIGKILL)
            worker_a.wait(10)
            provider.release()
            sent_before_kill = provider.total()

            worker_b = fault_worker({**env, "WORKER_THREADS": "2"}, logs[2])
            final = await wait_until_settled(container, timeout=60)
            for _ in range(150):  # the heartbeat timeout passes, then the requeue check
                if not (in_flight & unacked_keys(url, namespace)):
                    break
                await asyncio.sleep(0.1)
            requeued = not (in_flight & unacked_keys(url, namespace))
        finally:
            codes = [stop(p) for p in (scheduler, worker_b) if p is not None]
            if worker_a.poll() is None:
                worker_a.kill()
    assert codes == [0] * len(codes), log_text(*logs)

    duplicates = provider.duplicates()
    review = sorted(i for i, s in final.items() if s == M.NEEDS_REVIEW.value)
    sent = [i for i, s in final.items() if s == M.SENT.value]
    print(
        f"\nSIGKILL fault test: {sent_before_kill} sends before the kill, "
        f"{provider.total()} at the provider in all, duplicates={len(duplicates)}, "
        f"SENT={len(sent)}, NEEDS_REVIEW={review}, dead worker's message requeued={requeued}"
    )
    assert duplicates == {}, f"sent twice: {duplicates}"
    assert sorted(provider.received) == sorted(ids), "every message reached the provider"
    assert 0 < sent_before_kill < BATCH
    # The held send: the provider has it, the dead worker never learnt it — so it is marked
    # for review and NOT resent. Everything else is SENT.
    assert len(review) == 1 and provider.received[review[0]] == 1
    assert len(sent) == BATCH - 1
    assert in_flight, "the killed worker held no unacked message"
    assert requeued, "the dead worker's unacked message was not requeued"


class PrivateRedis:
    """A redis-server of this test's own (no persistence), to stop and start at will."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if IN_CI:
                pytest.fail("redis-server is not installed: the Redis restart test cannot run")
            pytest.skip("redis-server is not installed")
        self.binary, self.directory, self.port = binary, directory, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            for _ in range(100):
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # no persistence: everything queued is lost
            self.process.wait(10)
        self.process = None


async def test_redis_restarted_mid_run_loses_and_doubles_nothing(
    container: Container, tmp_path: Path
) -> None:
    require_redis()  # the same rule as the other Redis tests: in CI, never skipped
    private = PrivateRedis(tmp_path)
    private.start()
    ids = await seed_due_messages(container, BATCH)
    logs = [tmp_path / name for name in ("scheduler.log", "worker.log")]
    with LoopbackProvider(delay_seconds=0.01) as provider:
        env = process_env(
            DATABASE_URL=container.settings().database_url,
            REDIS_URL=private.url,
            FAKE_PROVIDER_URL=provider.url,
            WORKER_THREADS="2",
            **FAST,
        )
        scheduler = fieldcrm("scheduler", env, logs[0])
        worker = fault_worker(env, logs[1])
        try:
            for _ in range(600):
                if provider.total() >= BATCH // 4 or worker.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            at_restart = provider.total()
            assert BATCH // 4 <= at_restart < BATCH, log_text(*logs)
            private.stop()
            await asyncio.sleep(1.5)
            private.start()
            final = await wait_until_settled(container, timeout=60)
        finally:
            codes = [stop(p) for p in (scheduler, worker)]
            private.stop()
    assert codes == [0, 0], log_text(*logs)
    duplicates = provider.duplicates()
    print(
        f"\nRedis restart fault test: {at_restart} sends before the restart, "
        f"{provider.total()} in all, duplicates={len(duplicates)}, "
        f"SENT={sum(s == M.SENT.value for s in final.values())}"
    )
    assert duplicates == {}, f"sent twice: {duplicates}"
    assert sorted(provider.received) == sorted(ids), "every message reached the provider"
    assert set(final.values()) == {M.SENT.value}, log_text(*logs)
