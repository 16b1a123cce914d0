"""The real server for a benchmark: `fieldcrm serve` (what `make run` starts) as a child
process on a free loopback port, so requests cross uvicorn and a socket like a client's;
and the floor (bench/floor_server.py) under the same uvicorn settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from adapters.sqlalchemy.engine import DEFAULT_POOL_SIZE

STARTUP_SECONDS = 60
REPOSITORY = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(
    base_url: str, process: subprocess.Popen[bytes], seconds: float = STARTUP_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            httpx.get(f"{base_url}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {seconds} s")


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A command the server runs under (e.g. valgrind), with the time it may then take to
    start; `started` receives the process once it answers."""

    command: Sequence[str]
    startup_seconds: float
    started: Callable[[subprocess.Popen[bytes]], None]


@contextmanager
def _child(
    command: list[str],
    env: dict[str, str],
    port: int,
    cwd: str,
    wrapper: Wrapper | None = None,
) -> Iterator[str]:
    """`command` running until the block ends; yields its base URL once /health answers.
    Its output (the access log, one line per request) goes to /dev/null, as to a log file;
    its log (standard error) to a file shown when it fails to start."""
    if wrapper is not None:
        command = [*wrapper.command, *command]
    log = Path(cwd) / f"server-{port}.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait_until_up(
                base_url, process, wrapper.startup_seconds if wrapper else STARTUP_SECONDS
            )
        except RuntimeError as exc:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{exc}; its log ends with:\n{tail}") from exc
        if wrapper is not None:
            wrapper.started(process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def served(
    database_url: str,
    jwt_secret: str,
    workers: int = 1,
    log_level: str = "WARNING",
    settings: Mapping[str, str] | None = None,
    wrapper: Wrapper | None = None,
) -> Iterator[str]:
    """`fieldcrm serve --no-workers --workers N` on `database_url` (already migrated): yields
    its base URL. LOG_LEVEL=INFO keeps the access log on, as `make run` has it; run from an
    empty directory so no `.env` is read. `settings`: more environment variables for the
    server (e.g. a bench's rate limits)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET": jwt_secret,
        "LOG_LEVEL": log_level,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **(settings or {}),
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,  # the script's own interpreter, named so a wrapper runs Python
        str(Path(sys.executable).parent / "fieldcrm"),
        "serve",
        "--no-workers",
        "--workers",
        str(workers),
    ]
    with (
        tempfile.TemporaryDirectory(prefix="fieldcrm-serve-") as cwd,
        _child(command, env, port, cwd, wrapper) as base_url,
    ):
        yield base_url


@contextmanager
def floor_served(
    database_url: str,
    sql_file: Path,
    cap: int,
    workers: int = 1,
    log_level: str = "WARNING",
    wrapper: Wrapper | None = None,
) -> Iterator[str]:
    """The floor (bench/floor_server.py) under uvicorn with the settings `fieldcrm serve`
    gives it (same loop and parser: uvicorn's "auto"; same log level)."""
    port = free_port()
    env = {
        **os.environ,
        "FLOOR_DATABASE_URL": database_url,
        "FLOOR_SQL_FILE": str(sql_file),
        "FLOOR_CAP": str(cap),
        "FLOOR_POOL_SIZE": str(DEFAULT_POOL_SIZE),  # the app's connections per process
        "PYTHONPATH": str(REPOSITORY),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.floor_server:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        log_level.lower(),
        "--workers",
        str(workers),
    ]
    with (
        tempfile.TemporaryDirectory(prefix="fieldcrm-floor-") as cwd,
        _child(command, env, port, cwd, wrapper) as base_url,
    ):
        yield base_url


@contextmanager
def asgi_served(database_url: str, jwt_secret: str, server: list[str]) -> Iterator[str]:
    """`entrypoints.http.asgi:app` under another server command (`server` ends where the
    host, port and app go): to compare HTTP servers on the same app."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET": jwt_secret,
        "LOG_LEVEL": "WARNING",
        "EMBEDDED_WORKERS": "false",
    }
    env.pop("REDIS_URL", None)
    command = [*server, "--host", "127.0.0.1", "--port", str(port), "entrypoints.http.asgi:app"]
    with (
        tempfile.TemporaryDirectory(prefix="fieldcrm-asgi-") as cwd,
        _child(command, env, port, cwd) as base_url,
    ):
        yield base_url
