"""The audit trail table: entries are added and listed, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.table_repository import TableRepository
from application.pagination import ListQuery, Page
from domain.audit import AuditAction, AuditEntry

a = t.audit_entries


class AuditEntryRepository(TableRepository[AuditEntry]):
    table = a
    entity = "audit entry"
    filterable = {
        "entity": "entity",
        "entity_id": "entity_id",
        "customer_id": "customer_id",
        "actor_user_id": "actor_user_id",
    }

    @staticmethod
    def to_row(e: AuditEntry) -> dict[str, Any]:
        return {
            "occurred_at": e.occurred_at,
            "actor_user_id": e.actor_user_id,
            "actor_role": e.actor_role,
            "action": e.action.value,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "customer_id": e.customer_id,
            "changes": e.changes,
            "source": e.source,
        }

    @staticmethod
    def from_row(r: Any) -> AuditEntry:
        return AuditEntry(
            occurred_at=r.occurred_at,
            actor_user_id=r.actor_user_id,
            actor_role=r.actor_role,
            action=AuditAction(r.action),
            entity=r.entity,
            entity_id=r.entity_id,
            customer_id=r.customer_id,
            changes=r.changes,
            source=r.source,
            id=r.id,
        )

    async def list(self, query: ListQuery) -> Page[AuditEntry]:
        """Newest first by time (then id, for entries of the same instant)."""
        conditions = self._conditions(query)
        count = select(func.count()).select_from(a).where(*conditions)
        total = (await self._conn.execute(count)).scalar_one()
        rows = await self._conn.execute(
            select(a)
            .where(*conditions)
            .order_by(a.c.occurred_at.desc(), a.c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        return Page([self.from_row(row) for row in rows], total, query.limit, query.offset)
