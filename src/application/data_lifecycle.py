"""Data lifecycle: erase a customer on request (admin), prune what is past retention."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from application import audit
from application.access import Actor, Permission, authorize
from application.lookups import require
from application.ports.clock import Clock
from application.ports.data_lifecycle import Cutoffs
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditAction, AuditedEntity
from domain.customer import Customer

log = logging.getLogger(__name__)


async def erase_customer(actor: Actor, uow: UnitOfWork, clock: Clock, customer_id: int) -> Customer:
    """Replace the customer's name, phone, e-mail, address and notes and the copies in
    their messages, consent sources, call tasks, feedback and audit entries (admin only).
    Jobs, payments and the like stay, with the anonymised customer. Audited, naming the
    kinds of record changed, never the erased values."""
    authorize(actor, Permission.ERASE_PERSONAL_DATA)
    async with uow:
        await require(uow.customers, "customer", customer_id)
        changed = await uow.data_lifecycle.erase_customer(customer_id)
        await audit.record(
            uow,
            actor,
            clock.now(),
            AuditAction.ERASE,
            AuditedEntity.CUSTOMER,
            customer_id,
            customer_id,
            {"erased": [None, sorted(name for name, rows in changed.items() if rows)]},
        )
        customer = await require(uow.customers, "customer", customer_id)
        await uow.commit()
    return customer


@dataclass(frozen=True, slots=True)
class Retention:
    """How many days each kind of record is kept; None: forever."""

    scheduler_runs_days: int | None = 30
    webhook_events_days: int | None = 30
    message_bodies_days: int | None = 365
    audit_entries_days: int | None = None

    def cutoffs(self, now: datetime) -> Cutoffs:
        def before(days: int | None) -> datetime | None:
            return None if days is None else now - timedelta(days=days)

        return Cutoffs(
            scheduler_runs=before(self.scheduler_runs_days),
            webhook_events=before(self.webhook_events_days),
            message_bodies=before(self.message_bodies_days),
            audit_entries=before(self.audit_entries_days),
        )


async def prune_old_data(uow: UnitOfWork, clock: Clock, retention: Retention) -> dict[str, int]:
    """The daily pruning pass: one transaction; returns the rows pruned per kind."""
    async with uow:
        pruned = await uow.data_lifecycle.prune(retention.cutoffs(clock.now()))
        await uow.commit()
    log.info("pruned past retention: %s", pruned)
    return pruned
