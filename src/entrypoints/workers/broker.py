"""The Dramatiq broker: Redis when REDIS_URL is set, else the in-process StubBroker."""

from __future__ import annotations

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, AsyncIO, Retries, TimeLimit

from entrypoints.settings import Settings, WorkerSettings
from entrypoints.workers.request_context import RequestContext
from entrypoints.workers.trace_context import TraceContext

#: Retries (on top of the use cases' own handling): few, with backoff from 5 s to 5 min.
#: Infrastructure errors (database down) are what is left to retry at this level.
MAX_RETRIES = 3
MIN_BACKOFF_MS = 5_000
MAX_BACKOFF_MS = 300_000
#: Default time limit of a message; actors with longer work set their own.
TIME_LIMIT_MS = 5 * 60_000
#: A Redis that stops answering fails a command after this long instead of hanging it (the
#: scheduler holds its period claim open while it enqueues). Dramatiq's Redis commands are
#: short scripts; none blocks on the server.
REDIS_SOCKET_TIMEOUT_SECONDS = 10
REDIS_CONNECT_TIMEOUT_SECONDS = 5


def build_broker(redis_url: str | None, workers: WorkerSettings | None = None) -> dramatiq.Broker:
    """A broker with the AsyncIO middleware and fieldcrm's retry and time-limit defaults.

    Not installed as Dramatiq's global broker: `actors.declare_actors(broker)` binds the
    actors to it explicitly, so tests and the embedded worker can each have their own.
    """
    workers = workers or WorkerSettings()
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=TIME_LIMIT_MS),
        Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS),
        RequestContext(),  # the request id travels with the messages (for the logs)
        TraceContext(),  # and the trace context (a no-op unless tracing is on)
        AsyncIO(),
    ]
    # The default middleware list adds ShutdownNotifications, Callbacks and Pipelines too;
    # fieldcrm uses none of them.
    broker: dramatiq.Broker
    if redis_url:
        client = redis.Redis.from_url(
            redis_url,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
        )
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            client=client,
            middleware=middleware,
            namespace=workers.redis_namespace,
            heartbeat_timeout=workers.heartbeat_timeout_seconds * 1000,
            maintenance_chance=workers.requeue_check_per_million,
        )
    else:
        broker = StubBroker(middleware=middleware)
    return broker


def broker_from_settings(settings: Settings) -> dramatiq.Broker:
    return build_broker(settings.redis_url, settings.workers)
