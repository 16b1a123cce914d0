"""The stores every contract test runs on: the in-memory fake and each SQL backend.

`store` is parametrised over "fake", "sqlite" and (when FIELDCRM_TEST_POSTGRES_URL is set,
always in CI) "postgresql"; the SQL ones reuse the session's migrated database, emptied
before each test, so every store starts from the same empty state and ids start at 1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.ports.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, migrated_database, truncate_all
from tests.fakes import FakeDatabase

T = TypeVar("T")


def _marked(names: list[str]) -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.postgres) if name == "postgresql" else name
        for name in names
    ]


STORES = _marked(["fake", *BACKENDS])
SQL_BACKENDS = _marked(list(BACKENDS))


@dataclass(frozen=True, slots=True)
class Store:
    """One backend under test: `uow()` opens a fresh unit of work on it."""

    name: str
    uow: Callable[[], UnitOfWork]

    async def run(self, work: Callable[[Any], Awaitable[T]], commit: bool = True) -> T:
        """`work(uow)` in one unit of work, committed unless told otherwise."""
        async with self.uow() as uow:
            result = await work(uow)
            if commit:
                await uow.commit()
            return result


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """ "fake", or the URL of the backend's migrated database (migrating is synchronous)."""
    if request.param == "fake":
        return "fake"
    return migrated_database(request.param, tmp_path_factory)


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of each SQL backend's migrated database (the fake has no SQL to compare)."""
    return migrated_database(request.param, tmp_path_factory)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    if store_url == "fake":
        yield Store("fake", FakeDatabase().uow)
        return
    engine = build_engine(store_url)
    await truncate_all(engine)
    try:
        yield Store(engine.dialect.name, lambda: SqlUnitOfWork(engine))
    finally:
        await engine.dispose()
