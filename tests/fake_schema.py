"""The in-memory fakes' constraints and filters, read from the SQL adapter's own definitions.

Foreign keys (with their ON DELETE action), UNIQUE columns and NOT NULL references come
from `adapters.sqlalchemy.tables.metadata`; the filters each list accepts come from the
SQL repositories' `filterable` maps. Nothing here is copied by hand, so a schema change
reaches the fakes at once (and `tests/contract/` checks both behave alike).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Table, UniqueConstraint

from adapters.sqlalchemy import outbox_repositories as o
from adapters.sqlalchemy import repositories as r
from adapters.sqlalchemy.audit_repository import AuditEntryRepository
from adapters.sqlalchemy.tables import metadata

# The fake's table names (the unit of work's repository names) that differ from SQL's.
SQL_NAMES: Mapping[str, str] = {
    "technician_ratings": "customer_technician_ratings",
    "follow_ups": "service_follow_ups",
}
FAKE_NAMES: Mapping[str, str] = {sql: fake for fake, sql in SQL_NAMES.items()}

# The SQL repository behind each fake table whose `list` takes filters.
_LISTED = {
    "customers": r.CustomerRepository,
    "technicians": r.TechnicianRepository,
    "jobs": r.JobRepository,
    "payments": r.PaymentRepository,
    "expenses": r.ExpenseRepository,
    "users": r.UserRepository,
    "appliances": r.ApplianceRepository,
    "reviews": r.ReviewRepository,
    "technician_ratings": r.TechnicianRatingRepository,
    "follow_ups": r.FollowUpRepository,
    "maintenance_alerts": r.MaintenanceAlertRepository,
    "messages": o.MessageRepository,
    "call_tasks": o.CallTaskRepository,
    "audit_entries": AuditEntryRepository,
}


@dataclass(frozen=True, slots=True)
class Reference:
    """One foreign key: `column` of a row points at a row of `parent` (fake names)."""

    column: str
    parent: str
    on_delete: str  # "RESTRICT", "SET NULL" or "CASCADE"
    nullable: bool


def sql_table(fake_name: str) -> Table:
    return metadata.tables[SQL_NAMES.get(fake_name, fake_name)]


def fake_name(table: Table) -> str:
    return FAKE_NAMES.get(table.name, table.name)


def _references(table: Table) -> tuple[Reference, ...]:
    return tuple(
        Reference(
            column=fk.parent.name,
            parent=fake_name(fk.column.table),
            on_delete=(fk.ondelete or "RESTRICT").upper(),
            nullable=bool(fk.parent.nullable),
        )
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
    )


def _unique_columns(table: Table) -> tuple[str, ...]:
    return tuple(
        sorted(
            constraint.columns.keys()[0]
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint) and len(constraint.columns) == 1
        )
    )


# Every table the SQL unit of work writes (the periodic-run claims have their own port).
TABLES: tuple[str, ...] = tuple(
    fake_name(table) for table in metadata.sorted_tables if table.name != "scheduler_runs"
)
REFERENCES: Mapping[str, tuple[Reference, ...]] = {
    name: _references(sql_table(name)) for name in TABLES
}
# Who points at each table: parent -> [(child table, reference)].
REFERENCED_BY: Mapping[str, tuple[tuple[str, Reference], ...]] = {
    parent: tuple(
        (child, ref) for child in TABLES for ref in REFERENCES[child] if ref.parent == parent
    )
    for parent in TABLES
}
UNIQUE: Mapping[str, tuple[str, ...]] = {name: _unique_columns(sql_table(name)) for name in TABLES}
FILTERABLE: Mapping[str, frozenset[str]] = {
    name: frozenset(repository.filterable) for name, repository in _LISTED.items()
}
