"""`fieldcrm serve` as a real process on a fresh PostgreSQL database, for browser tests.

The database is a sibling of FIELDCRM_TEST_POSTGRES_URL's (its name + `_web`), dropped and
created anew, migrated with `fieldcrm migrate`; the first admin comes from
`fieldcrm create-user`. The server runs without the embedded worker (`--no-workers`), so
a message it queues stays SCHEDULED for the test to see.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

FIELDCRM = str(Path(sys.executable).parent / "fieldcrm")
JWT_SECRET = "browser-test-secret-" + "x" * 40


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    admin: str
    password: str


def sibling_database(url: str, suffix: str) -> str:
    """`url` with its database name + `suffix`."""
    base, _, name = url.rpartition("/")
    name, query, rest = name.partition("?")
    return f"{base}/{name}{suffix}{query}{rest}"


async def _recreate(url: str) -> None:
    name = url.rpartition("/")[2].partition("?")[0]
    connection = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(database_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "FIELDCRM_"))}
    return keep | {
        "DATABASE_URL": database_url,
        "JWT_SECRET": JWT_SECRET,
        "FIELDCRM_ENV": "development",
        "LOG_LEVEL": "WARNING",
    }


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([FIELDCRM, *args], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"fieldcrm {args[0]} failed: {done.stderr[-2000:]}")


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"fieldcrm serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("fieldcrm serve did not answer /health within 60 s")


@contextmanager
def live_fieldcrm(postgres_url: str, log: Path) -> Iterator[LiveServer]:
    """A migrated fresh database, an admin, and `fieldcrm serve` on a free port (its
    output in `log`)."""
    database_url = sibling_database(postgres_url, "_web")
    asyncio.run(_recreate(database_url))
    env = _environment(database_url)
    _run(env, "migrate")
    password = "browser-test-password-42"
    _run(env | {"FIELDCRM_NEW_USER_PASSWORD": password}, "create-user", "--username", "admin")
    port = _free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [FIELDCRM, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-workers"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, server, log)
            yield LiveServer(url, database_url, "admin", password)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
