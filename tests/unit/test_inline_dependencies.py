"""Handler dependencies that never wait are resolved in turn; others still concurrently."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.testing import AsyncTestClient

from entrypoints.http import inline_dependencies
from entrypoints.http.inline_dependencies import installed, resolve_inline

Dep = NamedDependency[int]


def one() -> int:
    return 1


def two() -> int:
    return 2


def refuse() -> int:
    raise NotAuthorizedException("no token")


@pytest.fixture(autouse=True)
def inline() -> None:
    resolve_inline()
    assert installed()


async def test_sync_dependencies_need_no_task_group(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_task_group() -> None:
        raise AssertionError("a task group for dependencies that never wait")

    monkeypatch.setattr("litestar._kwargs.kwargs_model.create_task_group", no_task_group)

    @get(
        "/",
        dependencies={
            "a": Provide(one, sync_to_thread=False),
            "b": Provide(two, sync_to_thread=False),
        },
    )
    async def handler(a: Dep, b: Dep) -> int:
        return a * 10 + b

    async with AsyncTestClient(Litestar([handler])) as client:
        assert (await client.get("/")).json() == 12


async def test_an_error_in_a_sync_dependency_is_the_response() -> None:
    @get(
        "/",
        dependencies={
            "a": Provide(one, sync_to_thread=False),
            "b": Provide(refuse, sync_to_thread=False),
        },
    )
    async def handler(a: Dep, b: Dep) -> int:
        return a + b

    async with AsyncTestClient(Litestar([handler])) as client:
        assert (await client.get("/")).status_code == 401


async def test_async_dependencies_still_run_concurrently() -> None:
    # Each waits for the other to have started: only concurrent resolution answers.
    started_a, started_b = asyncio.Event(), asyncio.Event()

    async def a() -> int:
        started_a.set()
        await asyncio.wait_for(started_b.wait(), 2)
        return 1

    async def b() -> int:
        started_b.set()
        await asyncio.wait_for(started_a.wait(), 2)
        return 2

    @get("/", dependencies={"a": Provide(a), "b": Provide(b)})
    async def handler(a: Dep, b: Dep) -> int:
        return a + b

    async with AsyncTestClient(Litestar([handler])) as client:
        assert (await client.get("/")).json() == 3


def test_a_generator_dependency_is_not_inline() -> None:
    def gen() -> object:
        yield 1

    container = inline_dependencies.DependencyContainer("g", Provide(gen), [])
    assert not inline_dependencies.never_waits(container)
    assert inline_dependencies.never_waits(
        inline_dependencies.DependencyContainer("o", Provide(one, sync_to_thread=False), [])
    )
