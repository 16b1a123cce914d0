"""`fieldcrm serve --workers N`: several HTTP processes, and the embedded scheduler and
worker running in exactly one of them (entrypoints/workers/embedded_election.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from entrypoints.container import Container
from entrypoints.workers.embedded_election import HostLock, lock_path
from tests.integration.workers_support import ROOT, free_port, process_env, stop, wait_for

LEADER = re.compile(r"process (\d+) runs the embedded scheduler and worker")


def test_the_host_lock_is_held_by_one_holder_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = HostLock(tmp_path / "x.lock"), HostLock(tmp_path / "x.lock")
    assert first.try_acquire() and first.held
    assert not second.try_acquire() and not second.held
    first.release()
    assert second.try_acquire()
    second.release()
    assert lock_path("sqlite:///a.db") != lock_path("sqlite:///b.db")
    assert lock_path("sqlite:///a.db") == lock_path("sqlite:///a.db")
    os.chdir(tmp_path)  # a relative SQLite path names a different database in each folder
    here = lock_path("sqlite+aiosqlite:///./fieldcrm.db")
    os.chdir(tmp_path.parent)
    assert lock_path("sqlite+aiosqlite:///./fieldcrm.db") != here


def _leaders(log: Path) -> list[int]:
    return [int(pid) for pid in LEADER.findall(log.read_text(errors="replace"))]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_with_two_processes_runs_the_embedded_workers_once(
    container: Container, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    port = free_port()
    env = process_env(DATABASE_URL=container.settings().database_url, PORT=str(port))
    with log.open("ab") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        text = lambda: log.read_text(errors="replace")  # noqa: E731
        wait_for(lambda: text().count("Application startup complete") >= 2, 90, "two processes")
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        assert len(_leaders(log)) == 1, text()
        # The leader dies without cleaning up: another process takes the lock over.
        (leader,) = _leaders(log)
        os.kill(leader, signal.SIGKILL)
        wait_for(lambda: len(_leaders(log)) == 2, 60, "a new leader")
        assert _leaders(log)[1] != leader
    finally:
        code = stop(server, timeout=30)
    assert code in (0, -signal.SIGTERM), text()
