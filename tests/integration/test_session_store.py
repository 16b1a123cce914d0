"""The SQL session stores on SQLite and PostgreSQL: concurrent uses of one refresh token
rotate it once; processes creating the install secret at once all read the same one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.sqlalchemy.install_secrets import SqlInstallSecrets
from adapters.sqlalchemy.refresh_token_store import SqlRefreshTokenStore
from domain.refresh_token import RefreshToken
from domain.user import Role
from entrypoints.container import Container
from tests.http.conftest import create_user

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


async def a_user(container: Container) -> int:
    return await create_user(container, Role.OFFICE, "office-user")


def token(name: str, user_id: int, expires_at: datetime = NOW + timedelta(days=30)) -> RefreshToken:
    return RefreshToken(name * 64, "family-1", user_id, NOW, expires_at)


async def test_concurrent_rotations_of_one_token_let_exactly_one_win(container: Container):
    store = SqlRefreshTokenStore(container.engine())
    user_id = await a_user(container)
    await store.add(token("a", user_id))
    wins = await asyncio.gather(
        *(store.rotate("a" * 64, token(name, user_id), NOW) for name in "bcde")
    )
    assert sorted(wins) == [False, False, False, True]
    used = await store.find("a" * 64)
    assert used is not None and used.rotated_at == NOW and used.revoked_at is None
    successors = [await store.find(name * 64) for name in "bcde"]
    assert sum(s is not None for s in successors) == 1  # only the winner's was stored


async def test_revoking_a_family_and_forgetting_expired_tokens(container: Container):
    store = SqlRefreshTokenStore(container.engine())
    user_id = await a_user(container)
    await store.add(token("a", user_id))
    await store.add(token("b", user_id, expires_at=NOW))
    await store.revoke_family("family-1", NOW + timedelta(minutes=1))
    revoked = await store.find("a" * 64)
    assert revoked is not None and revoked.revoked_at == NOW + timedelta(minutes=1)
    assert not await store.rotate("a" * 64, token("c", user_id), NOW)
    assert await store.delete_expired(NOW) == 1
    assert await store.find("b" * 64) is None and await store.find("a" * 64) is not None


async def test_install_secret_is_created_once_by_concurrent_starters(container: Container):
    stores = [SqlInstallSecrets(container.engine()) for _ in range(4)]
    found = await asyncio.gather(
        *(store.get_or_create("jwt", f"candidate-{i}", NOW) for i, store in enumerate(stores))
    )
    assert len(set(found)) == 1 and found[0].startswith("candidate-")
    assert await stores[0].get_or_create("jwt", "a-later-candidate", NOW) == found[0]
