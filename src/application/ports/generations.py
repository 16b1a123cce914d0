"""Stored generations: every insight answer (provider or offline), kept for accountability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from application.pagination import ListQuery


@dataclass(frozen=True, slots=True)
class Generation:
    """One answer given to one asker.

    `prompt_version` is the template and its version (`sentiment.v1`), `grounding_hash`
    the hash of the input records and rendered prompt (the data version the answer was
    built from), `result` the checked answer as JSON. Only answers produced (by the
    provider or the offline adapter) are stored: a cache hit or a caller sharing another's
    upstream call adds no row, its envelope's `generationId` names the stored original.
    `asked_by` is the user id (None: the system, a worker) who asked when it was produced.
    """

    task: str
    prompt_version: str
    customer_id: int | None
    job_id: int | None
    model: str
    grounding_hash: str
    sources: tuple[str, ...]
    result: bytes
    prompt_tokens: int
    completion_tokens: int
    estimated_cost: Decimal
    latency_ms: float
    degraded: bool
    asked_by: int | None
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True, slots=True)
class GenerationPage:
    items: list[Generation]
    total: int


class GenerationLog(Protocol):
    """Where generations are written, listed per customer and pruned."""

    async def add(self, generation: Generation) -> int: ...

    async def for_customer(
        self, customer_id: int, tasks: frozenset[str], page: ListQuery
    ) -> GenerationPage:
        """A page (`page.limit`, `page.offset`) of the customer's generations of these
        `tasks` and their count, ordered by `page.sort` (fields of `Generation`: `id`,
        `created_at`, `task`), ties newest first; no keys: newest first. Filters unused."""
        ...

    async def prune(self, older_than: datetime) -> int:
        """Delete generations created before `older_than`; returns how many."""
        ...
