"""Client idempotency keys for messages staff post: one message per user and key.

A key is scoped to the user who sent it (two users may pick the same key) and stored in
the message's unique `idempotency_key` column as `request:<user id>:<key>`; the digest of
the request body is stored beside it, so a repeat with another body is recognised.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping

from domain.errors import Conflict

MAX_CLIENT_KEY = 100
HEADER = "Idempotency-Key"
_ALLOWED = frozenset(string.ascii_letters + string.digits + "-_.:")


def client_key_error(key: str) -> str | None:
    """Why `key` is not usable (None when it is): 1-100 of letters, digits, `-_.:`."""
    if not 1 <= len(key) <= MAX_CLIENT_KEY:
        return f"must be 1-{MAX_CLIENT_KEY} characters"
    if not set(key) <= _ALLOWED:
        return "may hold only letters, digits and - _ . :"
    return None


def stored_key(user_id: int | None, key: str) -> str:
    """The key as the outbox stores it: scoped to the user (`system` for no user)."""
    owner = "system" if user_id is None else str(user_id)
    return f"request:{owner}:{key}"


def digest(fields: Mapping[str, object]) -> str:
    """A stable SHA-256 of the request's fields (JSON-able values), order-independent."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KeyReused(Conflict):
    """The key was used before with a different request body."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"{HEADER} {key!r} was already used with a different request; "
            "use a new key for a new message"
        )
