"""Erasure and retention as tables of rules: one entry per table (a new table holding
personal data or growing forever adds one line to `ERASE` or `PRUNE`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy import tables as t
from application.ports.data_lifecycle import Cutoffs
from domain.messaging.message import TERMINAL

ERASED = "(erased)"
PRUNED = "(pruned)"


@dataclass(frozen=True, slots=True)
class Erase:
    """The rows of `table` about the customer (`key` = the customer's id) get `values`;
    `json` columns keep their keys with every value replaced."""

    table: Table
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    json: tuple[str, ...] = ()


def _customer_name(customer_id: int) -> str:
    return f"Erased customer {customer_id}"


ERASE: tuple[Erase, ...] = (
    Erase(t.customers, "id", {"phone": None, "email": None, "address": None, "notes": None}),
    Erase(t.messages, "customer_id", {"recipient": ERASED, "body": ERASED, "last_error": None}),
    Erase(t.consent_ledger, "customer_id", {"source": ERASED, "note": None}),
    Erase(t.call_tasks, "customer_id", {"body": ERASED, "note": None}),
    Erase(t.service_follow_ups, "customer_id", {"feedback": None, "suggestion": None}),
    Erase(t.reviews, "customer_id", {"comment": None}),
    Erase(t.jobs, "customer_id", {"notes": None}),
    Erase(t.audit_entries, "customer_id", {"source": None}, json=("changes",)),
    # A stored answer quotes the customer (a greeting's text, a summary): the whole result
    # goes, replaced by a JSON object that still reads as one.
    Erase(t.insight_generations, "customer_id", {"result": '{"erased": true}'}),
)


@dataclass(frozen=True, slots=True)
class Prune:
    """Rows of `table` older than `cutoff(cutoffs)` by `column` are deleted, or, with
    `blank`, keep their row and get those values (`only` narrows the rows)."""

    name: str
    table: Table
    column: str
    cutoff: Callable[[Cutoffs], Any]
    blank: dict[str, Any] | None = None
    only: Callable[[Table], Any] | None = None


PRUNE: tuple[Prune, ...] = (
    Prune("scheduler_runs", t.scheduler_runs, "claimed_at", lambda c: c.scheduler_runs),
    Prune("webhook_events", t.webhook_events, "received_at", lambda c: c.webhook_events),
    Prune(
        "message_bodies",
        t.messages,
        "updated_at",
        lambda c: c.message_bodies,
        blank={"body": PRUNED},
        only=lambda m: m.c.status.in_([s.value for s in TERMINAL]) & (m.c.body != PRUNED),
    ),
    Prune("audit_entries", t.audit_entries, "occurred_at", lambda c: c.audit_entries),
)


def _erased_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _erased_json(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_erased_json(inner) for inner in value]
    return None if value is None else ERASED


class SqlDataLifecycle:
    """DataLifecycle on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def erase_customer(self, customer_id: int) -> dict[str, int]:
        changed: dict[str, int] = {}
        for rule in ERASE:
            table, key = rule.table, rule.table.c[rule.key]
            values = dict(rule.values)
            if table is t.customers:
                values["name"] = _customer_name(customer_id)
            result = await self._conn.execute(
                update(table).where(key == customer_id).values(**values)
            )
            changed[table.name] = result.rowcount
            for column in rule.json:
                rows = await self._conn.execute(
                    select(table.c.id, table.c[column]).where(key == customer_id)
                )
                for row_id, value in rows.all():
                    await self._conn.execute(
                        update(table)
                        .where(table.c.id == row_id)
                        .values({column: _erased_json(value)})
                    )
        return changed

    async def prune(self, cutoffs: Cutoffs) -> dict[str, int]:
        pruned: dict[str, int] = {}
        for rule in PRUNE:
            cutoff = rule.cutoff(cutoffs)
            if cutoff is None:
                continue
            table = rule.table
            where = table.c[rule.column] < cutoff
            if rule.only is not None:
                where = where & rule.only(table)
            statement = (
                delete(table).where(where)
                if rule.blank is None
                else update(table).where(where).values(**rule.blank)
            )
            pruned[rule.name] = (await self._conn.execute(statement)).rowcount
        return pruned
