"""The app a server process runs: `fieldcrm serve` (one process or several) and the
importable `entrypoints.http.asgi:app` build it the same way, from Settings."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from litestar import Litestar

from application.install_secret import jwt_signing_secret
from entrypoints.container import Container, bootstrap
from entrypoints.http.app import create_app
from entrypoints.http.controllers.metrics import serve_metrics_listener
from entrypoints.settings import Settings

log = logging.getLogger("fieldcrm")
T = TypeVar("T")


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion from synchronous code, also when this thread already
    runs an event loop (a server importing `asgi:app` inside its loop): then on a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _install_jwt_secret(container: Container, settings: Settings) -> str:
    """Without JWT_SECRET: the installation's signing secret, stored in the database on
    first start, so every process and restart signs and accepts the same tokens."""
    try:
        secret = await jwt_signing_secret(container.install_secrets(), container.clock())
    finally:
        await container.engine().dispose()
    report = log.info if settings.environment == "development" else log.warning
    report(
        "JWT_SECRET is not set: tokens are signed with the install secret stored in the "
        "database (table install_secrets); whoever can read the database can sign tokens. "
        "Set JWT_SECRET to keep the signing key out of the database."
    )
    return secret


def served_container(settings: Settings) -> Container:
    """The container a server process uses (signing with the install secret when JWT_SECRET
    is unset; raises sqlalchemy's DBAPIError when the database is not migrated)."""
    container = bootstrap(settings)
    if settings.jwt_secret is None:
        secret = run_blocking(_install_jwt_secret(container, settings))
        container = bootstrap(settings, jwt_secret=secret)
    return container


def served_app(settings: Settings) -> Litestar:
    """The HTTP app with what runs beside it: with REDIS_URL, messages queued for now go to
    the `fieldcrm worker` processes; without it (and EMBEDDED_WORKERS on), the one process
    of this host that wins the election runs the scheduler and a worker thread."""
    container = served_container(settings)
    app = create_app(container)
    serve_metrics_listener(app, container)
    if settings.redis_url is not None:
        from entrypoints.workers.runtime import SendQueueOverRedis

        sending = SendQueueOverRedis(settings, container)
        app.on_startup.append(sending.start)
        app.on_shutdown.append(sending.stop)
    elif settings.embedded_workers:
        from entrypoints.workers.embedded_election import ElectedEmbeddedWorkers

        embedded = ElectedEmbeddedWorkers(settings, container)
        app.on_startup.append(embedded.start)
        app.on_shutdown.append(embedded.stop)  # shutdown hooks run last-first: this one first
    app.on_startup.append(freeze_startup_objects)
    return app


def freeze_startup_objects() -> None:
    """Move everything alive once the app has started (~200,000 objects: Litestar's routes
    and schemas, SQLAlchemy's tables, the modules) out of the garbage collector's reach:
    a full collection then no longer walks them. Measured: a full collection went from
    ~200 ms to under 1 ms, a pause that otherwise lands on whichever request triggers it."""
    gc.collect()
    gc.freeze()
