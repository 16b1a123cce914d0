"""The installation's JWT signing secret, for when JWT_SECRET is not configured."""

from __future__ import annotations

import secrets

from application.ports.clock import Clock
from application.ports.sessions import InstallSecrets

JWT_SIGNING_SECRET = "jwt_signing_secret"


async def jwt_signing_secret(store: InstallSecrets, clock: Clock) -> str:
    """The secret stored for this installation, generated (384 random bits) by the first
    process that asks; every later process and restart reads the same one."""
    candidate = secrets.token_urlsafe(48)
    return await store.get_or_create(JWT_SIGNING_SECRET, candidate, clock.now())
