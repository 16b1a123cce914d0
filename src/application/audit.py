"""The audit trail: record a change inside its own transaction; list entries (admin only)."""

from __future__ import annotations

from datetime import datetime

from application.access import Actor, Permission, authorize
from application.pagination import ListQuery, Page
from application.ports.unit_of_work import UnitOfWork
from domain.audit import SYSTEM_ROLE, AuditAction, AuditEntry, Changes


def actor_role(actor: Actor) -> str:
    """The role the trail shows: the user's, or "system" when no user acted."""
    return SYSTEM_ROLE if actor.user_id is None else actor.role.value


async def record(
    uow: UnitOfWork,
    actor: Actor,
    clock_now: datetime,
    action: AuditAction,
    entity: str,
    entity_id: int,
    customer_id: int | None,
    changes: Changes,
    source: str | None = None,
) -> AuditEntry:
    """Add one entry to the trail. Call it inside the transaction of the change, before
    `uow.commit()`: the entry lands if and only if the change does."""
    entry = AuditEntry(
        occurred_at=clock_now,
        actor_user_id=actor.user_id,
        actor_role=actor_role(actor),
        action=action,
        entity=entity,
        entity_id=entity_id,
        customer_id=customer_id,
        changes=changes,
        source=source,
    )
    return await uow.audit_entries.add(entry)


AUDIT_SORTABLE = ("id", "occurred_at")


async def list_audit_entries(actor: Actor, uow: UnitOfWork, query: ListQuery) -> Page[AuditEntry]:
    """A page of the trail, newest first; filters `entity`, `entity_id`, `customer_id`,
    `actor_user_id`. Admins only."""
    authorize(actor, Permission.READ_AUDIT)
    query.check_sort(AUDIT_SORTABLE)
    async with uow.read_only():
        return await uow.audit_entries.list(query)
