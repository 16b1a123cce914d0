"""Shared lookups of the use cases: fetch-or-fail, delete-or-fail, absent-or-conflict."""

from __future__ import annotations

from typing import TypeVar

from application.pagination import ListQuery
from application.ports.repositories import Repository
from domain.errors import Conflict, NotFound

T = TypeVar("T")


async def require(repo: Repository[T], entity: str, entity_id: int, field: str | None = None) -> T:
    """The entity with this id, or NotFound (naming `field` when it came from a request body)."""
    found = await repo.get(entity_id)
    if found is None:
        raise NotFound(entity, entity_id, field)
    return found


async def remove(repo: Repository[T], entity: str, entity_id: int) -> None:
    """Delete the entity or raise NotFound; referenced rows raise Conflict from the adapter."""
    if not await repo.delete(entity_id):
        raise NotFound(entity, entity_id)


async def refuse_if_any(repo: Repository[T], message: str, **filters: object) -> None:
    """Conflict(message) when a row matches every filter: a one-per rule checked up front.

    A UNIQUE constraint stays the backstop against a concurrent writer.
    """
    if await repo.exists(ListQuery(filters=filters)):
        raise Conflict(message)
