"""Readiness probe port."""

from __future__ import annotations

from typing import Protocol


class DatabaseProbe(Protocol):
    """Answers whether the database can be reached right now."""

    async def ping(self) -> bool: ...
