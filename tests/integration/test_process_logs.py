"""The real processes — `fieldcrm serve`, `fieldcrm worker`, `fieldcrm scheduler` — write one
log format; the request id of a request reaches the worker's lines for the message it
caused; LOG_LEVEL=WARNING silences INFO in all of them; the heartbeats answer
`fieldcrm health`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from domain.user import Role
from entrypoints.container import Container
from tests.conftest import POSTGRES_URL
from tests.http.conftest import PASSWORD, create_user
from tests.http.helpers import customer_body
from tests.integration.workers_support import (
    ROOT,
    delete_namespace,
    fieldcrm,
    free_port,
    process_env,
    require_redis,
    stop,
    unique_namespace,
    wait_for,
)

pytestmark = pytest.mark.parametrize(
    "database_url", ["postgresql" if POSTGRES_URL else "sqlite"], indirect=True
)
COMMANDS = ("serve", "worker", "scheduler")


@pytest.fixture
def redis_namespace() -> Iterator[tuple[str, str]]:
    url = require_redis()
    namespace = unique_namespace()
    yield url, namespace
    delete_namespace(url, namespace)


class Processes:
    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.env = env
        self.logs = {command: tmp_path / f"{command}.log" for command in COMMANDS}
        self.running = {command: fieldcrm(command, env, self.logs[command]) for command in COMMANDS}
        self.base = f"http://127.0.0.1:{env['PORT']}"

    def text(self, command: str) -> str:
        return self.logs[command].read_text(errors="replace")

    def lines(self, command: str) -> list[dict]:
        return [json.loads(line) for line in self.text(command).splitlines() if line.strip()]

    def wait_serving(self) -> None:
        def up() -> bool:
            for command, process in self.running.items():
                assert process.poll() is None, f"{command} exited:\n{self.text(command)}"
            try:
                return httpx.get(f"{self.base}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, 60, "fieldcrm serve to answer /health")

    def health(self, component: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "health", "--component", component],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=30,
        ).returncode

    def stop(self) -> None:
        codes = {command: stop(process) for command, process in self.running.items()}
        # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly: -15
        clean = codes["worker"] == codes["scheduler"] == 0 and codes["serve"] in (0, -15)
        assert clean, (codes, {c: self.text(c)[-3000:] for c in codes})


def environment(container: Container, redis_namespace: tuple[str, str], **extra: str) -> dict:
    url, namespace = redis_namespace
    return process_env(
        DATABASE_URL=container.settings().database_url,
        REDIS_URL=url,
        WORKER_REDIS_NAMESPACE=namespace,
        PORT=str(free_port()),
        QUIET_HOURS="00:00-23:59",
        HEARTBEAT_SECONDS="1",
        WORKER_THREADS="1",
        **extra,
    )


def login(base: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/auth/login", json={"username": "ops-admin", "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


async def test_the_request_id_reaches_the_worker_lines_in_one_json_format(
    container: Container, redis_namespace: tuple[str, str], tmp_path: Path
) -> None:
    await create_user(container, Role.ADMIN, "ops-admin")
    env = environment(container, redis_namespace, LOG_FORMAT="json", LOG_LEVEL="INFO")
    processes = Processes(env, tmp_path)
    try:
        processes.wait_serving()
        headers = login(processes.base)
        customer = httpx.post(
            f"{processes.base}/customers",
            json=customer_body(email="ada@example.com"),
            headers=headers,
            timeout=10,
        )
        assert customer.status_code == 201, customer.text
        body = {"customerId": customer.json()["id"], "body": "Hi", "purpose": "TRANSACTIONAL"}
        sent = httpx.post(
            f"{processes.base}/messages",
            json=body,
            headers=headers | {"X-Request-ID": "proc-req-7"},
            timeout=10,
        )
        assert sent.status_code == 201, sent.text
        assert sent.headers["x-request-id"] == "proc-req-7"

        def worker_saw_it() -> bool:
            return any(line.get("request_id") == "proc-req-7" for line in processes.lines("worker"))

        wait_for(worker_saw_it, 30, "the worker's line for the message")
        wait_for(lambda: processes.health("scheduler") == 0, 30, "the scheduler's heartbeat")
        assert processes.health("worker") == 0
    finally:
        processes.stop()

    worker_lines = [x for x in processes.lines("worker") if x.get("request_id") == "proc-req-7"]
    assert any("send_message" in line["message"] for line in worker_lines), worker_lines
    assert {line["process"] for line in worker_lines} == {"worker"}
    access = [
        line
        for line in processes.lines("serve")
        if line["logger"] == "fieldcrm.access" and line.get("request_id") == "proc-req-7"
    ]
    assert len(access) == 1, access
    assert (access[0]["route"], access[0]["status"]) == ("/messages", 201)
    assert isinstance(access[0]["user_id"], int)
    for command in COMMANDS:  # every line of every process parsed as JSON above
        text = processes.text(command)
        assert "ada@example.com" not in text
        assert {line["process"] for line in processes.lines(command)} <= {
            "api",
            "worker",
            "scheduler",
        }
    assert processes.health("worker") == 1  # stopped: its heartbeat is gone


async def test_log_level_warning_leaves_no_info_line_in_any_process(
    container: Container, redis_namespace: tuple[str, str], tmp_path: Path
) -> None:
    await create_user(container, Role.ADMIN, "ops-admin")
    env = environment(
        container,
        redis_namespace,
        LOG_FORMAT="text",
        LOG_LEVEL="WARNING",
        SCHEDULE_DISPATCH="* * * * * *",  # the worker gets a message every second
    )
    processes = Processes(env, tmp_path)
    try:
        processes.wait_serving()
        headers = login(processes.base)
        httpx.get(f"{processes.base}/customers", headers=headers, timeout=10)
        httpx.get(f"{processes.base}/no-such-page", timeout=10)
        wait_for(lambda: processes.health("scheduler") == 0, 30, "the scheduler's heartbeat")
        wait_for(lambda: processes.health("worker") == 0, 30, "the worker's heartbeat")
    finally:
        processes.stop()
    for command in COMMANDS:
        text = processes.text(command)
        assert " INFO " not in text and " DEBUG " not in text, f"{command}:\n{text}"
