"""The importable ASGI app, for running fieldcrm under any ASGI server:

    uvicorn entrypoints.http.asgi:app --workers 4 --host 0.0.0.0 --port 8000
    gunicorn -k uvicorn.workers.UvicornWorker -w 4 entrypoints.http.asgi:app
    granian --interface asgi --workers 4 entrypoints.http.asgi:app

Each process builds the app from the environment (the same variables as `fieldcrm serve`),
exactly as `fieldcrm serve` does (entrypoints/http/served_app.py). Run `fieldcrm migrate`
first. Without REDIS_URL, one process per host runs the scheduler and a worker thread
(entrypoints/workers/embedded_election.py).
"""

from __future__ import annotations

from entrypoints.http.served_app import served_app
from entrypoints.observability.log_setup import configure_logging
from entrypoints.observability.tracing import configure_tracing
from entrypoints.settings import Settings

# A process that imports this module never ran `fieldcrm`'s main(): set up its log and
# traces here (both idempotent), the same way as every other fieldcrm process.
configure_logging("api")
configure_tracing("api")
app = served_app(Settings.from_env())
