"""Dependencies that never wait are resolved one after another, not in a task group.

Litestar resolves the independent dependencies of a handler concurrently: each batch of two
or more runs in an anyio TaskGroup (a task per dependency, a cancel scope, a join). That
pays off for dependencies that wait on I/O; ours are plain functions calling a container
provider (`container_dependencies.from_provider`, the `actor` of the token's user), which
finish without ever awaiting, so the task group is pure overhead on every authenticated
request (a handler taking `actor` and `uow` is such a batch). `resolve_inline` makes
Litestar resolve a batch in turn when every dependency in it is synchronous (run inline,
not in a thread, no generator); any other batch keeps the task group. The values, their
order of availability and the errors raised are the same.
"""

from __future__ import annotations

from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import DependencyContainer, resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection

_concurrent = KwargsModel.resolve_dependencies


def never_waits(dependency: DependencyContainer) -> bool:
    """Whether resolving `dependency` runs to completion without awaiting anything."""
    provide = dependency.provide
    return (
        provide.has_sync_callable
        and not provide.has_sync_generator_dependency
        and not provide.has_async_generator_dependency
    )


async def _resolve(
    self: KwargsModel, connection: ASGIConnection[Any, Any, Any, Any], kwargs: dict[str, Any]
) -> DependencyCleanupGroup:
    batches = self.dependency_batches
    if not all(never_waits(d) for batch in batches for d in batch):
        return await _concurrent(self, connection, kwargs)
    cleanup_group = DependencyCleanupGroup()
    for batch in batches:
        for dependency in batch:
            await resolve_dependency(dependency, connection, kwargs, cleanup_group)
    return cleanup_group


def resolve_inline() -> None:
    """Install the in-turn resolution on Litestar's KwargsModel (idempotent)."""
    KwargsModel.resolve_dependencies = _resolve  # type: ignore[method-assign]


def installed() -> bool:
    return KwargsModel.resolve_dependencies is _resolve
