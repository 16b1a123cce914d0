"""/audit-entries: the audit trail, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar.params import QueryParameter

from application import audit as uc
from domain.audit import AuditAction, AuditedEntity, AuditEntry
from entrypoints.http.list_params import CUSTOMER_ID, QueryFilter
from entrypoints.http.problems import camel
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Out,
    record_out,
)

EntityFilter = Annotated[AuditedEntity | None, QueryParameter(name="entity")]
EntityIdFilter = Annotated[int | None, QueryParameter(name="entityId", ge=1, le=2**31 - 1)]
UserIdFilter = Annotated[int | None, QueryParameter(name="userId", ge=1, le=2**31 - 1)]


class AuditEntryOut(Out):
    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_role: str
    action: AuditAction
    entity: AuditedEntity
    entity_id: int
    customer_id: int | None
    changes: dict[str, list[Any]]
    source: str | None


def audit_entry_out(e: AuditEntry) -> AuditEntryOut:
    changes = {camel(name): list(values) for name, values in e.changes.items()}
    return record_out(AuditEntryOut, e, entity=AuditedEntity(e.entity), changes=changes)


# Who changed which record and when, newest first (admins only). `changes` maps each
# changed field to [old, new]; phone numbers and emails are masked and customer notes
# recorded by length only.
AUDIT_ENTRIES: HttpResource[AuditEntry] = HttpResource(
    singular="AuditEntry",
    plural="AuditEntries",
    tag="audit",
    out=AuditEntryOut,
    to_out=audit_entry_out,
    sortable=uc.AUDIT_SORTABLE,
    filters=(
        CUSTOMER_ID,
        QueryFilter("entity", EntityFilter),
        QueryFilter("entity_id", EntityIdFilter),
        QueryFilter("user_id", UserIdFilter, field="actor_user_id"),
    ),
    list=uc.list_audit_entries,
)
AuditController = resource_controller(AUDIT_ENTRIES)
