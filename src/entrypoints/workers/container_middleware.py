"""The worker's container, handed to the actors by a Dramatiq middleware (no global).

Like Dramatiq's own `CurrentMessage`, the middleware sets a context variable before each
message; the AsyncIO middleware runs the async actor on its event loop with a copy of that
context, so `WorkerContainer.current()` inside an actor is the container of the broker
that delivered the message. Each worker (Redis, embedded, a test's) has its own.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any, ClassVar

import dramatiq
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import AsyncIO, Middleware

from entrypoints.container import Container

log = logging.getLogger(__name__)


class WorkerContainer(Middleware):
    """Exposes `container` to the actors while they process a message, and closes its
    database pool on the actors' event loop when the worker shuts down (it is added before
    the AsyncIO middleware, so its `after_worker_shutdown` runs while that loop is up)."""

    _current: ClassVar[ContextVar[Container | None]] = ContextVar(
        "fieldcrm_worker_container", default=None
    )

    def __init__(self, container: Container) -> None:
        self.container = container

    @classmethod
    def install(cls, broker: dramatiq.Broker, container: Container) -> None:
        """Give the actors of `broker` the container `container`."""
        broker.add_middleware(cls(container), before=AsyncIO)

    @classmethod
    def current(cls) -> Container:
        """The container of the worker processing the current message."""
        container = cls._current.get()
        if container is None:
            raise RuntimeError("no worker container: the broker lacks WorkerContainer")
        return container

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        self._current.set(self.container)

    def after_process_message(self, broker: dramatiq.Broker, message: Any, **_: Any) -> None:
        self._current.set(None)

    def after_skip_message(self, broker: dramatiq.Broker, message: Any) -> None:
        self._current.set(None)

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        if loop_thread is None:
            return
        try:
            loop_thread.run_coroutine(self.container.engine().dispose())
        except Exception:  # shutting down anyway
            log.warning("could not close the worker's database pool", exc_info=True)
