"""The access line off the request's path: a queue, and a thread that writes it.

`fieldcrm.access` (one line per HTTP request, written by request_telemetry) is the busiest
logger; formatting, redacting and writing each line on the event loop was ~12% of a small
Customer View's CPU. Its records go on a queue instead, stamped with the request id and user
id of the context they were logged in, and one daemon thread per process hands them to the
root logger — the same handlers, format and redaction as every other line, in order.

The thread starts with the first line a process logs (a server process that uvicorn spawns
or forks gets its own) and is drained at exit; `flush()` waits until every line queued
before it is written.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from logging.handlers import QueueHandler, QueueListener

from entrypoints.observability.log_context import current_request_id, current_user_id

ACCESS_LOGGER = "fieldcrm.access"


class _Flush(logging.LogRecord):
    """A marker on the queue: set when the thread reaches it."""

    def __init__(self) -> None:
        super().__init__(ACCESS_LOGGER, logging.DEBUG, "", 0, "", None, None)
        self.done = threading.Event()


class _ToRoot(logging.Handler):
    """On the thread: each record to the root logger's handlers (as propagation would)."""

    def handle(self, record: logging.LogRecord) -> bool:
        if isinstance(record, _Flush):
            record.done.set()
            return True
        logging.getLogger().handle(record)
        return True


class AccessLogQueue(QueueHandler):
    """The handler on `fieldcrm.access`: records leave the caller's thread unformatted."""

    def __init__(self) -> None:
        super().__init__(queue.SimpleQueue())
        self._listener: QueueListener | None = None
        self._pid = -1
        self._lock = threading.Lock()

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record as it is, with the context the formatter would otherwise read from
        the logging call's context variables (the thread has none of them)."""
        fields = record.__dict__
        if "request_id" not in fields and (request_id := current_request_id()) is not None:
            fields["request_id"] = request_id
        if "user_id" not in fields and (user_id := current_user_id()) is not None:
            fields["user_id"] = user_id
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        if self._pid != os.getpid():
            self._start()
        self.queue.put_nowait(record)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._listener = QueueListener(self.queue, _ToRoot())
            self._listener.start()
            self._pid = os.getpid()
            atexit.register(self.stop)

    def flush(self, timeout: float = 5.0) -> None:
        """Return once every line queued before this call is written (or `timeout`)."""
        if self._pid != os.getpid():
            return
        marker = _Flush()
        self.queue.put_nowait(marker)
        marker.done.wait(timeout)

    def stop(self) -> None:
        """Write what is queued and end the thread (at exit, or when replaced)."""
        with self._lock:
            listener, self._listener = self._listener, None
            if listener is not None and self._pid == os.getpid():
                listener.stop()
            self._pid = -1


def queue_access_lines() -> AccessLogQueue:
    """Put `fieldcrm.access` on its queue (idempotent: a previous queue is drained and
    replaced). Its lines no longer propagate directly; the thread hands them on."""
    access = unqueue_access_lines()
    handler = AccessLogQueue()
    access.addHandler(handler)
    access.propagate = False
    return handler


def unqueue_access_lines() -> logging.Logger:
    """`fieldcrm.access` back to logging in line (its queue, if any, drained first)."""
    access = logging.getLogger(ACCESS_LOGGER)
    for old in list(access.handlers):
        if isinstance(old, AccessLogQueue):
            access.removeHandler(old)
            old.stop()
    access.propagate = True
    return access
