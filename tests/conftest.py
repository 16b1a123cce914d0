"""Shared fixtures: the databases every integration and HTTP test runs on.

SQLite always; PostgreSQL as well when FIELDCRM_TEST_POSTGRES_URL is set (.ci/run sets it).
In CI (CI=true) an unreachable PostgreSQL fails the run instead of skipping it. Under
pytest-xdist (`make test`) each worker process uses databases of its own, derived from the
variables (tests/worker_databases.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from adapters.sqlalchemy.engine import build_engine
from entrypoints import migrate
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.overrides import container_for_tests
from tests.worker_databases import (
    empty_tables,
    prepare_database,
    worker_postgres_url,
    worker_redis_url,
)

#: The xdist worker running this process ("gw0", "gw1", ...), or "" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
POSTGRES_URL = worker_postgres_url(os.environ.get("FIELDCRM_TEST_POSTGRES_URL", ""), WORKER)
REDIS_URL = worker_redis_url(os.environ.get("FIELDCRM_TEST_REDIS_URL", ""), WORKER)
# Test modules (and the processes they start) read the variables: each worker sees its own.
for _name, _value in (
    ("FIELDCRM_TEST_POSTGRES_URL", POSTGRES_URL),
    ("FIELDCRM_TEST_REDIS_URL", REDIS_URL),
):
    if _value:
        os.environ[_name] = _value
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
TEST_JWT_SECRET = "test-secret-" + "x" * 40
_backend_counts: Counter[str] = Counter()


async def _reset_postgres(url: str) -> None:
    await prepare_database(url)
    engine = build_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    except OSError as exc:
        raise RuntimeError(f"PostgreSQL at FIELDCRM_TEST_POSTGRES_URL unreachable: {exc}") from exc
    finally:
        await engine.dispose()


_migrated: dict[str, str] = {}


def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a migrated database of `backend` ("sqlite" or "postgresql"), created and
    migrated once per session (per worker process) however many fixtures ask for it."""
    if backend not in _migrated:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'fieldcrm.db'}"
        else:
            url = POSTGRES_URL
            asyncio.run(_reset_postgres(url))
        migrate.upgrade(url)
        _migrated[backend] = url
    return _migrated[backend]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each backend (migrated once per session)."""
    return migrated_database(request.param, tmp_path_factory)


def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table (ids restart) so each test starts from a clean database."""
    await empty_tables(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test")


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    """The real composition root on a clean database, with a fast password hasher."""
    container = container_for_tests(settings)
    await truncate_all(container.engine())
    yield container
    await container.engine().dispose()


@pytest.fixture
async def engine(container: Container) -> AsyncEngine:
    return container.engine()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        backend = (
            "postgresql"
            if "[postgresql" in report.nodeid
            else ("sqlite" if "[sqlite" in report.nodeid else "no database")
        )
        _backend_counts[backend] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _backend_counts:
        parts = ", ".join(f"{name}: {count}" for name, count in sorted(_backend_counts.items()))
        terminalreporter.write_line(f"passed tests by database -> {parts}")


@pytest.fixture(scope="session", autouse=True)
def _require_postgres_in_ci() -> Iterator[None]:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and not POSTGRES_URL:
        pytest.exit("CI=true but FIELDCRM_TEST_POSTGRES_URL is not set", returncode=3)
    yield
