"""Cache port for LLM answers."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    """Bytes by key with a time to live."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...
