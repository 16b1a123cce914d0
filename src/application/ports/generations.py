"""Stored generations: every insight answer (provider or offline), kept for accountability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Generation:
    """One answer given to one asker.

    `prompt_version` is the template and its version (`sentiment.v1`), `grounding_hash`
    the hash of the input records and rendered prompt (the data version the answer was
    built from), `result` the checked answer as JSON. A cache hit is stored as its own row
    (who asked, when) with `repeats_id` naming the generation whose answer it repeats,
    zero tokens and zero cost. `asked_by` is the user id (None: the system, a worker).
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
    cached: bool
    degraded: bool
    asked_by: int | None
    created_at: datetime
    repeats_id: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class GenerationPage:
    items: list[Generation]
    total: int


class GenerationLog(Protocol):
    """Where generations are written, listed per customer (newest first) and pruned."""

    async def add(self, generation: Generation) -> int: ...

    async def for_customer(
        self, customer_id: int, tasks: frozenset[str], limit: int, offset: int
    ) -> GenerationPage:
        """The customer's generations of these `tasks`, newest first, and their count."""
        ...

    async def prune(self, older_than: datetime) -> int:
        """Delete generations created before `older_than`; returns how many."""
        ...
