"""Access lines leave the request on a queue: the logging call returns before any handler
runs, and the thread writes every line, in order, with the request id and user id of the
context it was logged in, through the root logger's handlers and their redaction."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from entrypoints.observability import log_context
from entrypoints.observability.access_log_queue import (
    ACCESS_LOGGER,
    AccessLogQueue,
    queue_access_lines,
    unqueue_access_lines,
)
from tests.log_capture import json_root_output


class _Held(logging.Handler):
    """Records each line's thread; blocks until released."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.threads: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.gate.wait(5)
        self.threads.append(threading.current_thread().name)


@pytest.fixture
def root_output() -> Iterator[io.StringIO]:
    with json_root_output() as stream:
        yield stream


@pytest.fixture
def queued() -> Iterator[AccessLogQueue]:
    handler = queue_access_lines()
    try:
        yield handler
    finally:
        unqueue_access_lines()


def test_lines_arrive_in_order_with_their_request_context(
    root_output: io.StringIO, queued: AccessLogQueue
) -> None:
    access = logging.getLogger(ACCESS_LOGGER)
    for n in range(200):
        with log_context.bound_request(f"req-{n}"):
            log_context.set_user_id(n)
            access.info("GET %s %s", "/customers/{customer_id}", 200, extra={"status": 200})
    queued.flush()
    lines = [json.loads(line) for line in root_output.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == [f"req-{n}" for n in range(200)]
    assert [line["user_id"] for line in lines] == list(range(200))
    assert lines[0]["message"] == "GET /customers/{customer_id} 200"
    assert lines[0]["logger"] == ACCESS_LOGGER and lines[0]["status"] == 200


def test_the_logging_call_does_not_wait_for_the_handlers(queued: AccessLogQueue) -> None:
    held = _Held()
    root = logging.getLogger()
    level = root.level
    root.addHandler(held)
    root.setLevel(logging.INFO)
    try:
        logging.getLogger(ACCESS_LOGGER).info("GET /health 200")  # returns though held blocks
        assert held.threads == []
        held.gate.set()
        queued.flush()
        assert len(held.threads) == 1 and held.threads[0] != threading.current_thread().name
    finally:
        held.gate.set()
        root.removeHandler(held)
        root.setLevel(level)


def test_redaction_still_applies_on_the_thread(
    root_output: io.StringIO, queued: AccessLogQueue
) -> None:
    logging.getLogger(ACCESS_LOGGER).info("call from +15551234567 about ada@example.com")
    queued.flush()
    text = root_output.getvalue()
    assert "+15551234567" not in text and "ada@example.com" not in text
    assert json.loads(text)["logger"] == ACCESS_LOGGER


def test_stopping_writes_everything_queued(root_output: io.StringIO) -> None:
    handler = queue_access_lines()
    access = logging.getLogger(ACCESS_LOGGER)
    for n in range(500):
        access.info("line %d", n)
    unqueue_access_lines()  # drains, then lines are logged in line again
    access.info("after")
    lines = [json.loads(line)["message"] for line in root_output.getvalue().splitlines()]
    assert lines == [f"line {n}" for n in range(500)] + ["after"]
    assert handler not in access.handlers and access.propagate
