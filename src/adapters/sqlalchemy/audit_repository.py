"""The audit trail table: entries are added and listed, newest first."""

from __future__ import annotations

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.table_repository import TableRepository
from domain.aggregate_fields import AUDIT_ENTRY_FIELDS
from domain.audit import AuditEntry


class AuditEntryRepository(TableRepository[AuditEntry]):
    table = t.audit_entries
    fields = AUDIT_ENTRY_FIELDS
    entity = "audit entry"
    filterable = ("entity", "entity_id", "customer_id", "actor_user_id")
    newest_first = ("occurred_at", "id")  # by time, then id for entries of the same instant
