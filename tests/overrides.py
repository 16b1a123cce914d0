"""The one set of provider overrides every test container gets, and the builder that
applies them: the real composition root, with what only makes tests slow swapped out."""

from __future__ import annotations

from typing import Any

from adapters.argon2_hasher import Argon2PasswordHasher
from entrypoints.container import Container, bootstrap
from entrypoints.settings import Settings


def overrides_for_tests() -> dict[str, Any]:
    """Provider name → replacement: Argon2 with the cheapest parameters (hashes stay real,
    verifying takes microseconds instead of a fifth of a second)."""
    return {"password_hasher": Argon2PasswordHasher(time_cost=1, memory_cost=1024)}


def container_for_tests(settings: Settings, **more: Any) -> Container:
    """`bootstrap(settings)` with the shared test overrides, plus `more` (a fixed clock, a
    fake provider...) on top."""
    return bootstrap(settings, **(overrides_for_tests() | more))
