"""Sign-in sessions: refresh tokens that rotate on every use, with reuse detection.

A sign-in starts a family with an absolute expiry. `refresh_session` trades a token for
its successor in the same family; presenting a token that was already traded (a copy
someone kept) revokes the whole family, so neither the thief nor the user can go on
with it: the user signs in again. `end_session` (logout) revokes the family too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from application.ports.clock import Clock
from application.ports.sessions import RefreshTokenStore
from application.ports.unit_of_work import UnitOfWork
from application.users import active_user
from domain.refresh_token import RefreshToken, hash_refresh_token
from domain.user import User

TOKEN_BYTES = 32  # 256 random bits per refresh token


class SessionRefused(Exception):
    """A refresh token that cannot be used; `revoked_family` when this attempt revoked
    its whole family (reuse of a rotated token, or a disabled user)."""

    def __init__(self, reason: str, *, revoked_family: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.revoked_family = revoked_family


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A user's new refresh token (shown once, never stored) and when its family ends."""

    user: User
    refresh_token: str
    expires_at: datetime


def _new_token(
    family_id: str, user_id: int, now: datetime, expires_at: datetime
) -> tuple[str, RefreshToken]:
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, RefreshToken(hash_refresh_token(raw), family_id, user_id, now, expires_at)


async def start_session(
    tokens: RefreshTokenStore, clock: Clock, user: User, lifetime: timedelta
) -> IssuedSession:
    """A new family for `user` (who just signed in), ending `lifetime` from now. Tokens
    past their expiry are forgotten on the way."""
    assert user.id is not None
    now = clock.now()
    await tokens.delete_expired(now)
    raw, token = _new_token(secrets.token_hex(16), user.id, now, now + lifetime)
    await tokens.add(token)
    return IssuedSession(user, raw, token.expires_at)


async def refresh_session(
    tokens: RefreshTokenStore, uow: UnitOfWork, clock: Clock, refresh_token: str
) -> IssuedSession:
    """The successor of `refresh_token`, for its still-active user; SessionRefused when
    the token is unknown, expired or revoked, was already used (the family is revoked),
    or its user is disabled or deleted (the family is revoked)."""
    now = clock.now()
    used = await tokens.find(hash_refresh_token(refresh_token))
    if used is None:
        raise SessionRefused("unknown refresh token; sign in again")
    if used.revoked_at is not None:
        raise SessionRefused("this session was signed out or revoked; sign in again")
    if used.expired(now):
        raise SessionRefused("the session has expired; sign in again")
    if used.rotated_at is not None:
        await _revoke_reused(tokens, used.family_id, now)
    user = await active_user(uow, used.user_id)
    if user is None:
        await tokens.revoke_family(used.family_id, now)
        raise SessionRefused("the user is disabled or deleted", revoked_family=True)
    raw, successor = _new_token(used.family_id, used.user_id, now, used.expires_at)
    if not await tokens.rotate(used.token_hash, successor, now):
        await _revoke_reused(tokens, used.family_id, now)  # lost a race with another use
    return IssuedSession(user, raw, successor.expires_at)


async def _revoke_reused(tokens: RefreshTokenStore, family_id: str, now: datetime) -> NoReturn:
    await tokens.revoke_family(family_id, now)
    raise SessionRefused(
        "this refresh token was already used: the session is revoked everywhere; sign in again",
        revoked_family=True,
    )


async def end_session(tokens: RefreshTokenStore, clock: Clock, refresh_token: str) -> None:
    """Sign out: revoke the token's family. An unknown token is not an error (signing out
    twice, or after the session ended, changes nothing)."""
    token = await tokens.find(hash_refresh_token(refresh_token))
    if token is not None:
        await tokens.revoke_family(token.family_id, clock.now())
