"""One logging setup for every fieldcrm process (API, worker, scheduler, CLI).

The standard library's logging, with one handler on the root logger: every library in the
stack (uvicorn, Litestar, Dramatiq, APScheduler, SQLAlchemy) logs through `logging`, so one
formatter and one level on the root reach them all. Their own handlers are removed so they
propagate to it; Litestar is started without its logging config (it would replace the root
logger's handlers) and uvicorn without its own (`log_config=None`, no access log: the
AccessLog middleware writes one line per request instead).

LOG_LEVEL sets the level of every logger; LOG_FORMAT picks `json` (the default with
FIELDCRM_ENV=production) or `text` (the default otherwise).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, Literal

from entrypoints.observability.log_format import JsonFormatter, ReadableFormatter
from entrypoints.observability.redaction import RedactingFilter

LogFormat = Literal["json", "text"]
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: Loggers that install handlers of their own, or default to chatty levels.
_ROUTED = (
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "litestar",
    "dramatiq",
    "apscheduler",
    "sqlalchemy",
    "asyncio",
)
_HANDLER_NAME = "fieldcrm"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of the record (a test runner may
    swap it for a while), never to a stream that has since been closed."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        return None


def level_from_env(environ: dict[str, str] | None = None) -> str:
    value = (environ if environ is not None else os.environ).get("LOG_LEVEL", "INFO").upper()
    return value if value in LEVELS else "INFO"


def format_from_env(environ: dict[str, str] | None = None) -> LogFormat:
    env = environ if environ is not None else os.environ
    chosen = env.get("LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen  # type: ignore[return-value]
    return "json" if env.get("FIELDCRM_ENV", "").strip() == "production" else "text"


def configure_logging(
    role: str, level: str | None = None, log_format: LogFormat | None = None
) -> None:
    """Route every logger of this process to one stderr handler in the chosen format.

    Idempotent: calling it again replaces the handler it installed before; handlers that
    others put on the root logger (a test runner's) are left alone.
    """
    level = (level or level_from_env()).upper()
    log_format = log_format or format_from_env()
    handler = StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter(role) if log_format == "json" else ReadableFormatter(role))
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _ROUTED:
        routed = logging.getLogger(name)
        for old in list(routed.handlers):
            routed.removeHandler(old)
        routed.propagate = True
        routed.setLevel(logging.NOTSET)
    # SQL statements only with SQL_ECHO (the engine then sets its own logger's level):
    # SQLAlchemy logs every statement and its parameters at INFO once its logger allows it.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # APScheduler logs each job it adds and runs at INFO; the scheduler logs what matters.
    if logging.getLevelName(level) > logging.DEBUG:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    skip_unused_record_fields()


def skip_unused_record_fields() -> None:
    """Records without the caller's file, line and function, thread or process: neither
    format shows them, and collecting them (a walk up the stack for the caller, the current
    thread's and process's names) was a third of each line's cost, on every request's
    access line (the logging HOWTO's "Optimization" section names these switches)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
