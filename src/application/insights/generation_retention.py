"""The retention of stored generations: a periodic pass deletes those past the limit."""

from __future__ import annotations

from datetime import timedelta

from application.ports.clock import Clock
from application.ports.generations import GenerationLog


async def prune_generations(log: GenerationLog, clock: Clock, retention_days: int) -> int:
    """Delete the generations stored more than `retention_days` ago; returns how many.
    Idempotent: a second run the same day finds nothing older left."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    return await log.prune(clock.now() - timedelta(days=retention_days))
