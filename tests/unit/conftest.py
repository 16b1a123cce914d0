"""Fixtures of the unit tests: an in-memory database, a fixed clock, a readable hasher."""

from __future__ import annotations

import pytest

from tests.fakes import FakeClock, FakeDatabase, FakePasswordHasher


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hasher() -> FakePasswordHasher:
    return FakePasswordHasher()
