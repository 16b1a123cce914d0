"""The real server for a benchmark: `fieldcrm serve` (what `make run` starts) as a child
process on a free loopback port, so requests cross uvicorn and a socket like a client's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`fieldcrm serve` exited with {process.returncode}")
        try:
            httpx.get(f"{base_url}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"`fieldcrm serve` did not answer within {STARTUP_SECONDS} s")


@contextmanager
def served(
    database_url: str, jwt_secret: str, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`fieldcrm serve --no-workers` on `database_url` (already migrated): yields its base URL.
    Access logs off (LOG_LEVEL=WARNING); run from an empty directory so no `.env` is read.
    `settings`: more environment variables for the server (e.g. a bench's rate limits)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET": jwt_secret,
        "LOG_LEVEL": "WARNING",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **(settings or {}),
    }
    env.pop("REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "fieldcrm"), "serve", "--no-workers"]
    with tempfile.TemporaryDirectory(prefix="fieldcrm-serve-") as cwd:
        process = subprocess.Popen(command, env=env, cwd=cwd)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, process)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
