"""Session use cases with an in-memory token store: rotation, reuse detection, a lost
race, expiry, logout, disabled users; and the session settings."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from application import sessions as uc
from application import users
from application.access import SYSTEM
from domain.refresh_token import RefreshToken, hash_refresh_token
from domain.user import Role
from entrypoints.settings import Settings, SettingsError
from tests.fakes import FakeClock, FakeDatabase, FakePasswordHasher

LIFETIME = timedelta(days=30)


class MemoryTokens:
    """RefreshTokenStore in a dict; `steal_next_rotation` makes the next `rotate` lose,
    as if another request had used the token in between."""

    def __init__(self) -> None:
        self.rows: dict[str, RefreshToken] = {}
        self.steal_next_rotation = False

    async def add(self, token: RefreshToken) -> None:
        self.rows[token.token_hash] = token

    async def find(self, token_hash: str) -> RefreshToken | None:
        return self.rows.get(token_hash)

    async def rotate(self, used_hash: str, successor: RefreshToken, at: datetime) -> bool:
        used = self.rows[used_hash]
        if self.steal_next_rotation or used.rotated_at or used.revoked_at:
            self.steal_next_rotation = False
            return False
        self.rows[used_hash] = dataclasses.replace(used, rotated_at=at)
        self.rows[successor.token_hash] = successor
        return True

    async def revoke_family(self, family_id: str, at: datetime) -> None:
        for key, row in self.rows.items():
            if row.family_id == family_id and row.revoked_at is None:
                self.rows[key] = dataclasses.replace(row, revoked_at=at)

    async def delete_expired(self, now: datetime) -> int:
        expired = [key for key, row in self.rows.items() if row.expired(now)]
        for key in expired:
            del self.rows[key]
        return len(expired)


@pytest.fixture
async def signed_in(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> tuple[MemoryTokens, uc.IssuedSession]:
    user = await users.create_user(
        SYSTEM, db.uow(), clock, hasher, users.NewUser("alice", "service-van-42", Role.OFFICE)
    )
    tokens = MemoryTokens()
    return tokens, await uc.start_session(tokens, clock, user, LIFETIME)


async def test_a_session_rotates_and_keeps_its_end(signed_in, db, clock):
    tokens, first = signed_in
    assert first.expires_at == clock.now() + LIFETIME
    (stored,) = tokens.rows.values()
    assert stored.token_hash == hash_refresh_token(first.refresh_token) != first.refresh_token
    clock.advance(timedelta(days=3))
    second = await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.expires_at == first.expires_at and second.user.username == "alice"


async def test_reuse_revokes_every_token_of_the_family(signed_in, db, clock):
    tokens, first = signed_in
    second = await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    with pytest.raises(uc.SessionRefused, match="already used") as refused:
        await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    assert refused.value.revoked_family
    assert all(row.revoked_at == clock.now() for row in tokens.rows.values())
    with pytest.raises(uc.SessionRefused, match="signed out or revoked"):
        await uc.refresh_session(tokens, db.uow(), clock, second.refresh_token)


async def test_losing_a_concurrent_rotation_counts_as_reuse(signed_in, db, clock):
    tokens, first = signed_in
    tokens.steal_next_rotation = True
    with pytest.raises(uc.SessionRefused, match="already used"):
        await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    assert all(row.revoked_at is not None for row in tokens.rows.values())


async def test_an_expired_session_is_refused_and_forgotten_at_the_next_login(signed_in, db, clock):
    tokens, first = signed_in
    clock.advance(LIFETIME)
    with pytest.raises(uc.SessionRefused, match="expired"):
        await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    await uc.start_session(tokens, clock, first.user, LIFETIME)
    assert len(tokens.rows) == 1  # only the new sign-in's token is left


async def test_a_disabled_user_cannot_refresh(signed_in, db, clock, hasher):
    tokens, first = signed_in
    assert first.user.id is not None
    await users.update_user(
        SYSTEM, db.uow(), hasher, first.user.id, users.UserChanges(active=False)
    )
    with pytest.raises(uc.SessionRefused, match="disabled") as refused:
        await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    assert refused.value.revoked_family


async def test_logout_revokes_and_an_unknown_token_is_ignored(signed_in, db, clock):
    tokens, first = signed_in
    await uc.end_session(tokens, clock, "never-issued")
    await uc.end_session(tokens, clock, first.refresh_token)
    with pytest.raises(uc.SessionRefused, match="signed out"):
        await uc.refresh_session(tokens, db.uow(), clock, first.refresh_token)
    with pytest.raises(uc.SessionRefused, match="unknown"):
        await uc.refresh_session(tokens, db.uow(), clock, "never-issued")


def test_session_settings_defaults_and_bounds() -> None:
    settings = Settings.from_env({})
    assert (settings.jwt_expiry_minutes, settings.refresh_token_days) == (15, 30)
    assert Settings.from_env({"REFRESH_TOKEN_DAYS": "7"}).refresh_token_days == 7
    for bad in ("0", "366", "soon"):
        with pytest.raises(SettingsError, match="REFRESH_TOKEN_DAYS"):
            Settings.from_env({"REFRESH_TOKEN_DAYS": bad})
    # Production may run on the install secret (a warning is logged at start).
    assert Settings.from_env({"FIELDCRM_ENV": "production"}).jwt_secret is None
