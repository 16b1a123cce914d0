"""Password hashing port."""

from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """Hashes passwords and verifies them against stored hashes."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
