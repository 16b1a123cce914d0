"""The request id travels with the Dramatiq messages a request causes.

On enqueue (in the API process, or a worker enqueueing more work) the current request id is
stored in the message's options; on processing, the worker binds it for the message's log
lines (and the actor's, which the AsyncIO middleware runs with a copy of this context).
"""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.middleware import Middleware

from entrypoints.observability import log_context

OPTION = "request_id"


class RequestContext(Middleware):
    """Carries `request_id` from the enqueueing context into the processing worker."""

    def before_enqueue(self, broker: dramatiq.Broker, message: Any, delay: int) -> None:
        request_id = log_context.current_request_id()
        if request_id is not None and OPTION not in message.options:
            message.options[OPTION] = request_id

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        request_id = message.options.get(OPTION)
        log_context.bind_request_id(request_id if isinstance(request_id, str) else None)

    def after_process_message(self, broker: dramatiq.Broker, message: Any, **_: Any) -> None:
        log_context.bind_request_id(None)

    def after_skip_message(self, broker: dramatiq.Broker, message: Any) -> None:
        log_context.bind_request_id(None)
