"""The root logger's output in the production (JSON) format, while a test runs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from entrypoints.observability.log_format import JsonFormatter
from entrypoints.observability.redaction import RedactingFilter


@contextmanager
def json_root_output() -> Iterator[io.StringIO]:
    """A stream receiving every line the root logger writes at INFO and above, redacted
    and formatted as an API process writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter("api"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
