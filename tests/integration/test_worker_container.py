"""Actors get their worker's container from the broker's WorkerContainer middleware."""

from __future__ import annotations

import pytest

from entrypoints.container import Container
from entrypoints.settings import Settings
from entrypoints.workers.actors import worker_container
from entrypoints.workers.broker import build_broker
from entrypoints.workers.container_middleware import WorkerContainer
from entrypoints.workers.runtime import start_worker
from tests.overrides import container_for_tests


def test_outside_a_worker_there_is_no_container() -> None:
    with pytest.raises(RuntimeError, match="WorkerContainer"):
        worker_container()


def test_each_worker_hands_its_own_container_to_its_actors() -> None:
    seen: list[tuple[str, Container]] = []

    async def stand_in(period_key: str | None = None) -> None:
        seen.append((period_key or "", worker_container()))

    settings = Settings(database_url="sqlite+aiosqlite:///:memory:")
    containers = [container_for_tests(settings) for _ in range(2)]
    for key, container in enumerate(containers):  # one after the other: one event loop each
        broker = build_broker(None)
        worker, actors = start_worker(
            broker, container, threads=1, functions={"dispatch_due_messages": stand_in}
        )
        try:
            assert any(isinstance(m, WorkerContainer) for m in broker.middleware)
            actors["dispatch_due_messages"].send(period_key=str(key))
            broker.join("default", fail_fast=True)
            worker.join()
        finally:
            worker.stop()
            broker.close()
    assert seen == [("0", containers[0]), ("1", containers[1])]
