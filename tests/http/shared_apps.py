"""One Litestar app per worker process and Settings, lent to each test in turn.

Building the app (Litestar parses every handler's signature) took most of an HTTP test's
setup: ~0.4-0.8 s per test. Here it is built once per Settings value, on a container of its
own (`base`) that never serves anything itself: for the length of a test, `base` is
overridden by the test's own container (dependency-injector's container override, provider
by provider), so every request the app handles uses that test's database, clock, fakes and
singletons (LLM cache, console sender...), exactly as an app built on it would.

What the app itself keeps between requests is emptied after each test: the active-user
cache, the verified tokens, the login throttle's counters and every in-memory store (rate limits).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.stores.memory import MemoryStore

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.overrides import container_for_tests

#: The dependencies create_app registers: state behind the ones listed in `_STATEFUL` is
#: reset after each test. A new dependency must be added here, and to `_STATEFUL` (with its
#: reset in `_reset`) if it keeps state between requests, or the shared app refuses to run.
KNOWN_DEPENDENCIES = frozenset(
    {
        "actor",
        "uow",
        "uow_factory",
        "clock",
        "password_hasher",
        "database_probe",
        "customer_view_query",
        "financials_query",
        "insights",
        "settings",
        "jwt_auth",
        "active_users",
        "login_throttle",
        "refresh_tokens",  # a store over the engine: no state of its own
    }
)

_apps: list[tuple[Settings, Container, Litestar]] = []


def _app_for(settings: Settings) -> tuple[Container, Litestar]:
    for known, base, app in _apps:
        if known == settings:
            return base, app
    base = container_for_tests(settings)
    app = create_app(base)
    unknown = set(app.dependencies) - KNOWN_DEPENDENCIES
    if unknown:
        raise AssertionError(
            f"create_app registers {sorted(unknown)}: list them in tests/http/shared_apps.py "
            "(KNOWN_DEPENDENCIES, and reset any state they keep between tests)"
        )
    _apps.append((settings, base, app))
    return base, app


async def _reset(app: Litestar) -> None:
    """Forget everything the app remembered during a test."""
    # These objects offer no "forget everything" (production never needs one): their
    # private state is emptied here, and a rename fails loudly instead of leaking.
    app.dependencies["active_users"].dependency()._entries.clear()
    app.dependencies["jwt_auth"].dependency().token_cls.forget_all()  # verified tokens
    stores = [app.dependencies["login_throttle"].dependency()._store]
    stores += app.stores._stores.values()  # the rate limits' stores (no public listing)
    for store in stores:
        if isinstance(store, MemoryStore):
            await store.delete_all()


@asynccontextmanager
async def shared_app(container: Container) -> AsyncIterator[Litestar]:
    """The app for `container`'s settings, serving from `container` until the block ends."""
    base, app = _app_for(container.settings())
    base.override(container)
    try:
        yield app
    finally:
        base.reset_last_overriding()
        await _reset(app)
