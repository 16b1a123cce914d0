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
from entrypoints.settings import Settings

app = served_app(Settings.from_env())
