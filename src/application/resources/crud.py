"""The generic create/get/update/list/delete use cases of a `ResourceSpec`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic

from application import audit
from application.access import Actor, scoped
from application.lookups import remove, require
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.repositories import Repository
from application.ports.unit_of_work import UnitOfWork
from application.resources.spec import D, E, ResourceSpec, Snapshot
from domain.audit import AuditAction
from domain.errors import ValidationFailed

Adjust = Callable[[UnitOfWork, E], Awaitable[None]]
Step = Callable[[UnitOfWork, E, datetime], Awaitable[None]]


class Crud(Generic[E, D]):
    """The use cases of one resource, every step read from its spec.

    Writes of a resource without a `visible` hook are authorized up front (a role that may
    never make them learns nothing about any record); with one, the record is found and
    its visibility checked first (404), then the write authorized (403).
    """

    def __init__(self, spec: ResourceSpec[E, D]) -> None:
        self.spec = spec

    def _repo(self, uow: UnitOfWork) -> Repository[E]:
        return self.spec.repository(uow)

    async def find(self, uow: UnitOfWork, actor: Actor, entity_id: int) -> E:
        """Inside an open unit of work: the record, or NotFound (also when not visible)."""
        entity = await require(self._repo(uow), self.spec.name, entity_id)
        if self.spec.visible is not None:
            await self.spec.visible(uow, actor, entity)
        return entity

    async def create(
        self,
        actor: Actor,
        uow: UnitOfWork,
        clock: Clock,
        details: D,
        adjust: Adjust[E] | None = None,
    ) -> E:
        """Build the aggregate from `details`, check it, store it (and its audit entry)."""
        spec = self.spec
        assert spec.new is not None
        spec.access.authorize_write(actor)
        now = clock.now()
        entity = spec.new(details, now)
        async with uow:
            if adjust is not None:
                await adjust(uow, entity)
            if spec.check is not None:
                await spec.check(uow, actor, entity)
            entity = await self._repo(uow).add(entity)
            await self._record(uow, actor, clock, AuditAction.CREATE, None, entity)
            await uow.commit()
        return entity

    async def get(self, actor: Actor, uow: UnitOfWork, entity_id: int) -> E:
        """One record, or NotFound (also when the actor may not see it)."""
        self.spec.access.authorize_read(actor)
        async with uow.read_only():
            return await self.find(uow, actor, entity_id)

    async def update(
        self,
        actor: Actor,
        uow: UnitOfWork,
        clock: Clock | None,
        entity_id: int,
        details: D,
        adjust: Adjust[E] | None = None,
    ) -> E:
        """Revise a record with `details`, check it, store it (and its audit entry)."""
        spec = self.spec
        assert spec.revise is not None
        self._authorize_up_front(actor)
        async with uow:
            entity = await self.find(uow, actor, entity_id)
            if spec.before_update is not None:
                await spec.before_update(uow, actor, entity, details)
            else:
                spec.access.authorize_write(actor)
            before = self._snapshot(entity)
            spec.revise(entity, details, clock.now() if clock is not None else None)
            if adjust is not None:
                await adjust(uow, entity)
            if spec.check is not None:
                await spec.check(uow, actor, entity)
            await self._repo(uow).update(entity)
            await self._record(uow, actor, clock, AuditAction.UPDATE, before, entity)
            await uow.commit()
        return entity

    async def update_untimed(self, actor: Actor, uow: UnitOfWork, entity_id: int, details: D) -> E:
        """`update` for callers without a clock: a resource with no audit trail whose
        `revise` needs no time."""
        return await self.update(actor, uow, None, entity_id, details)

    async def change(
        self,
        actor: Actor,
        uow: UnitOfWork,
        clock: Clock,
        entity_id: int,
        step: Step[E],
    ) -> E:
        """A resource's own move (acknowledge, complete, ...): find the record (404),
        authorize the write (403), `step(uow, entity, now)` changes it (its own errors:
        409, 422), store it and its audit entry in the same transaction."""
        self._authorize_up_front(actor)
        async with uow:
            entity = await self.find(uow, actor, entity_id)
            self.spec.access.authorize_write(actor)
            await self.apply(uow, actor, clock, entity, step)
            await uow.commit()
        return entity

    async def apply(
        self, uow: UnitOfWork, actor: Actor, clock: Clock, entity: E, step: Step[E]
    ) -> None:
        """Inside an open unit of work, access already decided: `step` changes the record;
        store it and its audit entry."""
        before = self._snapshot(entity)
        await step(uow, entity, clock.now())
        await self._repo(uow).update(entity)
        await self._record(uow, actor, clock, AuditAction.UPDATE, before, entity)

    async def list(self, actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[E]:
        """A page of records (newest first unless sorted); a technician's narrowed to their
        own work."""
        spec = self.spec
        unknown = sorted(set(query.filters) - spec.filters)
        if unknown:
            raise ValidationFailed.single(unknown[0], f"{spec.name}s cannot be filtered by it")
        query.check_sort(spec.sortable)
        if not query.sort:
            query = query.sorted_by(spec.order)
        spec.access.authorize_list(actor)
        narrowed = (
            query
            if spec.access.list_scope is None
            else scoped(actor, query, by=spec.access.list_scope)
        )
        if narrowed is None:
            return Page([], 0, query.limit, query.offset)
        async with uow.read_only():
            return await self._repo(uow).list(narrowed)

    async def delete(
        self, actor: Actor, uow: UnitOfWork, clock: Clock | None, entity_id: int
    ) -> None:
        """Delete a record (NotFound when missing; Conflict when something references it)."""
        self._authorize_up_front(actor)
        async with uow:
            entity = await self.find(uow, actor, entity_id)
            self.spec.access.authorize_write(actor)
            before = self._snapshot(entity)
            await remove(self._repo(uow), self.spec.name, entity_id)
            await self._record(uow, actor, clock, AuditAction.DELETE, before, entity, gone=True)
            await uow.commit()

    def _authorize_up_front(self, actor: Actor) -> None:
        if self.spec.visible is None:
            self.spec.access.authorize_write(actor)

    def _snapshot(self, entity: E) -> Snapshot | None:
        trail = self.spec.audit
        return None if trail is None else trail.snapshot(entity)

    async def _record(
        self,
        uow: UnitOfWork,
        actor: Actor,
        clock: Clock | None,
        action: AuditAction,
        before: Snapshot | None,
        entity: E,
        gone: bool = False,
    ) -> None:
        trail = self.spec.audit
        if trail is None:
            return
        assert clock is not None and entity.id is not None
        after = None if gone else trail.snapshot(entity)
        changes = trail.changes(before, after)
        customer_id = await trail.customer_of(uow, entity)
        await audit.record(
            uow, actor, clock.now(), action, trail.entity, entity.id, customer_id, changes
        )
