"""Which HTTP process runs the embedded scheduler and worker: the one holding a file lock.

Without REDIS_URL, `fieldcrm serve` runs the periodic scheduler and a one-thread worker
inside the server. With several HTTP processes (`fieldcrm serve --workers N`, or
`entrypoints.http.asgi:app` under gunicorn/granian/uvicorn --workers) exactly one of them
must: each process tries to take an exclusive `flock` on a lock file named after the
database (in the temporary directory); the holder runs them, the others try again every
RETRY_SECONDS, so when the holder exits (the operating system releases its lock, even on
SIGKILL) another process takes over. The period claims in the database keep any periodic
run from happening twice even across hosts; this lock only keeps one worker per host busy.

The other processes queue messages for the worker's outbox poll (`PollOnly`), which the
holder's scheduler runs; only the holder hands a message to its worker at commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from entrypoints.container import Container
from entrypoints.settings import Settings
from entrypoints.workers.runtime import EmbeddedWorkers

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def lock_path(database_url: str) -> Path:
    """The lock file every process serving `database_url` on this host contends for (a
    relative SQLite path is made absolute: the same URL in two folders is two databases)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=os.path.abspath(url.database))
    key = url.render_as_string(hide_password=False)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"fieldcrm-embedded-workers-{digest}.lock"


class HostLock:
    """A non-blocking exclusive flock on one file, held until `release` or process exit."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        file = open(self._path, "ab")  # noqa: SIM115 - held open for as long as the lock
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            file.close()
            return False
        self._file = file
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class ElectedEmbeddedWorkers:
    """Startup/shutdown hooks: run EmbeddedWorkers in this process while it holds the lock."""

    def __init__(
        self, settings: Settings, container: Container, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        self._settings = settings
        self._container = container
        self._lock = HostLock(lock_path(settings.database_url))
        self._retry = retry_seconds
        self._embedded: EmbeddedWorkers | None = None
        self._waiting: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._embedded is not None

    async def start(self) -> None:
        if not await self._try_to_lead():
            self._waiting = asyncio.create_task(self._wait_for_lead())

    async def _try_to_lead(self) -> bool:
        if not self._lock.try_acquire():
            return False
        embedded = EmbeddedWorkers(self._settings, self._container)
        await embedded.start()
        self._embedded = embedded
        log.info("process %d runs the embedded scheduler and worker", os.getpid())
        return True

    async def _wait_for_lead(self) -> None:
        while not await self._try_to_lead():
            await asyncio.sleep(self._retry)

    async def stop(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waiting
        if self._embedded is not None:
            await self._embedded.stop()
            self._embedded = None
        self._lock.release()
