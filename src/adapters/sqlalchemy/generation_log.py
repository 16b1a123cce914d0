"""Stored generations in `insight_generations`; each method is one short transaction of its
own (an insight is asked outside any unit of work). Writes queue with every other writer
on SQLite (`write_transaction`) instead of polling SQLite's lock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.sqlite_writes import write_transaction
from adapters.sqlalchemy.tables import insight_generations as table
from application.pagination import ListQuery
from application.ports.generations import Generation, GenerationPage


def _row(g: Generation) -> dict[str, Any]:
    return {
        "task": g.task,
        "prompt_version": g.prompt_version,
        "customer_id": g.customer_id,
        "job_id": g.job_id,
        "model": g.model,
        "grounding_hash": g.grounding_hash,
        "sources": list(g.sources),
        "result": g.result.decode(),
        "prompt_tokens": g.prompt_tokens,
        "completion_tokens": g.completion_tokens,
        "estimated_cost": str(g.estimated_cost),
        "latency_ms": g.latency_ms,
        "degraded": g.degraded,
        "asked_by": g.asked_by,
        "created_at": g.created_at,
    }


def _generation(row: Any) -> Generation:
    values = dict(row._mapping)
    values["sources"] = tuple(values["sources"])
    values["result"] = values["result"].encode()
    values["estimated_cost"] = Decimal(values["estimated_cost"])
    return Generation(**values)


class SqlGenerationLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, generation: Generation) -> int:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(insert(table).values(_row(generation)))
        (generation_id,) = result.inserted_primary_key or (None,)
        assert generation_id is not None
        return int(generation_id)

    async def for_customer(
        self, customer_id: int, tasks: frozenset[str], query: ListQuery
    ) -> GenerationPage:
        """In `sort` order, then newest first (created_at, id): one statement for the page,
        one for the total."""
        where = [table.c.customer_id == customer_id, table.c.task.in_(sorted(tasks))]
        order = [
            table.c[k.field].desc() if k.descending else table.c[k.field].asc() for k in query.sort
        ]
        page = (
            select(table)
            .where(*where)
            .order_by(*order, table.c.created_at.desc(), table.c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        count = select(func.count()).select_from(table).where(*where)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(page)).all()
            total = (await conn.execute(count)).scalar_one()
        return GenerationPage([_generation(r) for r in rows], int(total))

    async def prune(self, older_than: datetime) -> int:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(table).where(table.c.created_at < older_than))
        return int(result.rowcount or 0)
