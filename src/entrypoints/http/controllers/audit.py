"""/audit-entries: the audit trail, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import QueryParameter

from application import audit as uc
from domain.audit import AuditAction, AuditedEntity, AuditEntry
from entrypoints.http.deps import ActorDep, Uow
from entrypoints.http.problems import camel
from entrypoints.http.wire import (
    CustomerIdFilter,
    Limit,
    Offset,
    Out,
    PageOut,
    list_query,
    page_out,
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
    assert e.id is not None
    return AuditEntryOut(
        id=e.id,
        occurred_at=e.occurred_at,
        actor_user_id=e.actor_user_id,
        actor_role=e.actor_role,
        action=e.action,
        entity=AuditedEntity(e.entity),
        entity_id=e.entity_id,
        customer_id=e.customer_id,
        changes={camel(name): list(values) for name, values in e.changes.items()},
        source=e.source,
    )


class AuditController(Controller):
    path = "/audit-entries"
    tags = ["audit"]

    @get("/", operation_id="listAuditEntries")
    async def list_(
        self,
        actor: ActorDep,
        uow: Uow,
        limit: Limit = 50,
        offset: Offset = 0,
        customer_id: CustomerIdFilter = None,
        entity: EntityFilter = None,
        entity_id: EntityIdFilter = None,
        user_id: UserIdFilter = None,
    ) -> PageOut[AuditEntryOut]:
        """Who changed which record and when, newest first (admins only).

        `changes` maps each changed field to [old, new]; phone numbers and emails are
        masked and customer notes recorded by length only."""
        query = list_query(
            limit,
            offset,
            customer_id=customer_id,
            entity=entity.value if entity is not None else None,
            entity_id=entity_id,
            actor_user_id=user_id,
        )
        return page_out(await uc.list_audit_entries(actor, uow, query), audit_entry_out)
