"""What every log line of a request (or of the worker message it caused) carries.

Context variables, so the values follow the request through `await`s, `asyncio.to_thread`
(which copies the context: the Dramatiq enqueue sees the request id) and the worker's
message processing (the RequestIdMiddleware sets them from the message's options).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("fieldcrm_request_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("fieldcrm_user_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_user_id() -> int | None:
    return _user_id.get()


def set_user_id(user_id: int | None) -> None:
    _user_id.set(user_id)


def bind_request_id(request_id: str | None) -> None:
    """Bind `request_id` in the current context (a worker thread, per message)."""
    _request_id.set(request_id)


@contextmanager
def bound_request(request_id: str | None) -> Iterator[None]:
    """Log lines inside the block carry `request_id` (and the user id set within it)."""
    rid_token = _request_id.set(request_id)
    uid_token = _user_id.set(None)
    try:
        yield
    finally:
        _request_id.reset(rid_token)
        _user_id.reset(uid_token)
