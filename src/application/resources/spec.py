"""A declarative description of one CRUD resource: where it lives, who may touch it, its hooks.

The generic use cases (`Crud`) read everything they do from a spec; a resource's own rules
(reference checks, visibility of a technician's work, extra authorization) are hooks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from application.access import Actor, Permission, authorize, limited_to_own_work
from application.pagination import NEWEST_FIRST, SortKey
from application.ports.repositories import Repository
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditedEntity, Changes, Value, diff


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


E = TypeVar("E", bound=HasId)
D = TypeVar("D")
Snapshot = dict[str, Value]
Hook = Callable[[UnitOfWork, Actor, E], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Access:
    """Who may read and write a resource.

    Staff need `read`/`write`; an actor limited to their own work (a technician) needs
    `own_read`/`own_write` instead, and is refused (403) where those are None. A technician
    lists only when `list_scope` says how their rows are found (see `access.scoped`).
    """

    read: Permission
    write: Permission = Permission.WRITE_BUSINESS
    own_read: Permission | None = None
    own_write: Permission | None = None
    list_scope: str | None = None

    @classmethod
    def own_work(cls, list_scope: str | None = None) -> Access:
        """The office's business records: staff read and write them; a technician reads
        only those of their own work (listing them when `list_scope` says how)."""
        return cls(
            read=Permission.READ_BUSINESS, own_read=Permission.READ_OWN_WORK, list_scope=list_scope
        )

    def authorize_read(self, actor: Actor) -> None:
        self._authorize(actor, self.read, self.own_read)

    def authorize_write(self, actor: Actor) -> None:
        self._authorize(actor, self.write, self.own_write)

    def authorize_list(self, actor: Actor) -> None:
        self._authorize(actor, self.read, self.own_read if self.list_scope else None)

    @staticmethod
    def _authorize(actor: Actor, staff: Permission, own: Permission | None) -> None:
        authorize(actor, own if own is not None and limited_to_own_work(actor) else staff)


CustomerOf = Callable[[UnitOfWork, E], Awaitable[int | None]]


def named_customer(customer_id: Callable[[E], int | None]) -> CustomerOf[E]:
    """`AuditTrail.customer_of` for a record that names its customer itself (no lookup)."""

    async def customer_of(_: UnitOfWork, entity: E) -> int | None:
        return customer_id(entity)

    return customer_of


@dataclass(frozen=True, slots=True)
class AuditTrail(Generic[E]):
    """How a resource's changes are written to the audit trail, in the change's transaction."""

    entity: AuditedEntity
    snapshot: Callable[[E], Snapshot]
    customer_of: CustomerOf[E]
    changes: Callable[[Snapshot | None, Snapshot | None], Changes] = diff


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceSpec(Generic[E, D]):
    """One CRUD resource.

    `name` names it in NotFound; `repository` picks its repository from the unit of work;
    `filters` are the list filters callers may use; `order` is how its repository lists
    by default (applied by the adapter); `sortable` the fields callers may sort by
    (`ListQuery.sort`, ties newest id first); `new`/`revise` build and change the
    aggregate from its details `D`; `visible` raises NotFound for a record the actor may not
    see; `check` validates references before a create or update is stored; `before_update`
    (the stored record, the wanted details) replaces the plain write permission of an
    update with the resource's own rules; `audit` records every change. `revise` gets the
    time only from use cases called with a clock.
    """

    name: str
    repository: Callable[[UnitOfWork], Repository[E]]
    access: Access
    filters: frozenset[str] = frozenset()
    order: SortKey = NEWEST_FIRST
    sortable: tuple[str, ...] = ("id", "created_at")
    new: Callable[[D, datetime], E] | None = None
    revise: Callable[[E, D, datetime | None], None] | None = None
    visible: Hook[E] | None = None
    check: Hook[E] | None = None
    before_update: Callable[[UnitOfWork, Actor, E, D], Awaitable[None]] | None = None
    audit: AuditTrail[E] | None = None
