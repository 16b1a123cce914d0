"""The actors on Dramatiq's in-process broker, and the embedded default of `fieldcrm serve`."""

from __future__ import annotations

import asyncio
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from adapters.sqlalchemy.tables import messages as messages_table
from application import customers, follow_ups, jobs
from application.access import SYSTEM
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.workers.actors import ACTOR_OPTIONS, declare_actors
from entrypoints.workers.broker import MAX_RETRIES, build_broker
from entrypoints.workers.runtime import connect_send_queue, start_worker
from tests.integration.workers_support import (
    fieldcrm,
    free_port,
    midday_zone,
    process_env,
    seed_due_messages,
    stop,
)
from tests.overrides import container_for_tests
from tests.unit.builders import customer_details, job_details


def dramatiq_threads() -> list[threading.Thread]:
    return [
        t
        for t in threading.enumerate()
        if type(t).__module__.startswith("dramatiq") or "EventLoopThread" in type(t).__name__
    ]


def test_actors_are_declared_with_bounded_retries_and_ages() -> None:
    broker = build_broker(None)
    actors = declare_actors(broker)
    assert set(actors) == {
        "dispatch_due_messages",
        "send_message",
        "reconcile_stuck_messages",
        "daily_follow_up_suggestions",
        "refresh_maintenance_alerts",
        "queue_post_service_surveys",
        "prune_insight_generations",
        "prune_old_data",
        "backup_database",
    }
    for name, actor in actors.items():
        assert actor.broker is broker
        assert actor.options.get("max_age") == ACTOR_OPTIONS[name].get("max_age")
    assert actors["dispatch_due_messages"].options["max_age"] <= 5 * 60_000
    retries = next(m for m in broker.middleware if type(m).__name__ == "Retries")
    assert retries.max_retries == MAX_RETRIES <= 5


def test_async_stand_in_actors_run_in_a_stub_worker() -> None:
    ran: list[tuple[str, Any]] = []

    async def stand_in(period_key: str | None = None) -> None:
        await asyncio.sleep(0)
        ran.append(("dispatch_due_messages", period_key))

    broker = build_broker(None)
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:")
    worker, actors = start_worker(
        broker,
        container_for_tests(settings),
        threads=1,
        functions={"dispatch_due_messages": stand_in},
    )
    try:
        for key in ("2026-11-25T07:00:00+00:00", "2026-11-25T07:01:00+00:00"):
            actors["dispatch_due_messages"].send(period_key=key)
        broker.join("default", fail_fast=True)
        worker.join()
    finally:
        worker.stop()
        broker.close()
    assert ran == [
        ("dispatch_due_messages", "2026-11-25T07:00:00+00:00"),
        ("dispatch_due_messages", "2026-11-25T07:01:00+00:00"),
    ]


async def test_the_real_actors_call_their_use_cases(container: Container) -> None:
    """Every actor, on the in-process broker, with the real container: they run clean."""
    [message_id] = await seed_due_messages(container, 1)
    broker = build_broker(None)
    worker, actors = start_worker(broker, container_for_tests(container.settings()), threads=1)
    try:
        actors["send_message"].send(message_id)
        for name in (
            "dispatch_due_messages",
            "reconcile_stuck_messages",
            "daily_follow_up_suggestions",
            "refresh_maintenance_alerts",
            "queue_post_service_surveys",
        ):
            actors[name].send(period_key="2026-11-25T07:00:00+00:00")
        await asyncio.to_thread(broker.join, "default", fail_fast=True)
        await asyncio.to_thread(worker.join)
    finally:
        await asyncio.to_thread(worker.stop)
        broker.close()
    async with container.engine().connect() as conn:
        row = (
            await conn.execute(
                select(messages_table.c.status, messages_table.c.provider_message_id)
            )
        ).one()
    assert str(row.status) == "SENT"
    assert row.provider_message_id.startswith("console-")
    assert dramatiq_threads() == []


async def message_statuses(container: Container) -> list[str]:
    async with container.engine().connect() as conn:
        rows = await conn.execute(select(messages_table.c.status))
    return [str(status) for status in rows.scalars()]


async def test_a_follow_up_message_for_now_is_sent_without_waiting_for_the_poll(
    container: Container,
) -> None:
    """Committing a follow-up whose message is due now enqueues `send_message` on the
    in-process broker; the worker sends it with no dispatch pass (no scheduler runs)."""
    broker = build_broker(None)
    worker, actors = start_worker(broker, build_container(container.settings()), threads=1)
    connect_send_queue(container, actors)  # as EmbeddedWorkers does for the server
    clock = container.clock()
    try:
        details = customer_details(time_zone=midday_zone())
        customer = await customers.create_customer(SYSTEM, container.uow(), clock, details)
        assert customer.id is not None
        job = await jobs.create_job(SYSTEM, container.uow(), clock, job_details(customer.id))
        assert job.id is not None
        message = follow_ups.FollowUpMessage("Is the fridge cold again?")
        new = follow_ups.NewFollowUp(job.id, message=message)
        await follow_ups.create_follow_up(SYSTEM, container.uow(), clock, new)
        await asyncio.to_thread(broker.join, "default", fail_fast=True)
        await asyncio.to_thread(worker.join)
    finally:
        container.send_queue.reset_override()
        await asyncio.to_thread(worker.stop)
        broker.close()
    assert await message_statuses(container) == ["SENT"]


async def test_building_the_app_starts_no_background_workers(container: Container) -> None:
    # A container of its own: the test client runs the app (and its lifespan) on another loop.
    app = create_app(container_for_tests(container.settings()))
    async with AsyncTestClient(app) as client:
        response = await client.get("/health")
        assert response.status_code < 500
        assert dramatiq_threads() == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_serve_without_redis_runs_the_scheduler_and_a_worker(
    container: Container, tmp_path: Path
) -> None:
    """`fieldcrm serve` with no REDIS_URL: a due message is sent by the embedded loop."""
    [message_id] = await seed_due_messages(container, 1)
    log = tmp_path / "serve.log"
    env = process_env(
        DATABASE_URL=container.settings().database_url,
        SCHEDULE_DISPATCH="* * * * * *",
        PORT=str(free_port()),
    )
    server = fieldcrm("serve", env, log)
    try:
        for _ in range(300):
            async with container.engine().connect() as conn:
                status = (
                    await conn.execute(
                        select(messages_table.c.status).where(messages_table.c.id == message_id)
                    )
                ).scalar_one()
            if str(status) == "SENT" or server.poll() is not None:
                break
            await asyncio.sleep(0.1)
    finally:
        code = stop(server)
    text = log.read_text(errors="replace")
    assert str(status) == "SENT", text
    assert "embedded scheduler and worker started" in text
    assert "console sender" in text
    assert "Application shutdown complete" in text
    assert code in (0, -signal.SIGTERM), text  # uvicorn re-raises SIGTERM after a clean stop


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_worker_and_scheduler_need_redis(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from entrypoints.cli import main

    monkeypatch.delenv("REDIS_URL", raising=False)
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 1
    assert "needs REDIS_URL" in result.output
