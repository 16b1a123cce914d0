"""The token-user cache: bounded staleness, immediate forget, never caches unknown users."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.user import Role, User
from entrypoints.http.active_users import ActiveUserCache


def _user(active: bool = True) -> User:
    return User("ann", "hash", Role.OFFICE, datetime(2025, 1, 1, tzinfo=UTC), active, None, 7)


class Loader:
    def __init__(self) -> None:
        self.calls = 0
        self.user: User | None = _user()

    async def __call__(self, user_id: int) -> User | None:
        self.calls += 1
        return self.user


async def test_a_user_is_loaded_once_within_the_ttl_and_again_after_it():
    now = [0.0]
    load = Loader()
    cache = ActiveUserCache(load, 5, clock=lambda: now[0])
    assert (await cache.get(7)) is not None and (await cache.get(7)) is not None
    assert load.calls == 1
    now[0] = 5.1
    load.user = None  # disabled meanwhile
    assert await cache.get(7) is None
    assert load.calls == 2


async def test_forget_makes_a_change_visible_at_once():
    load = Loader()
    cache = ActiveUserCache(load, 60)
    await cache.get(7)
    load.user = None
    cache.forget(7)
    assert await cache.get(7) is None


async def test_unknown_users_are_never_remembered_and_ttl_zero_disables_the_cache():
    load = Loader()
    load.user = None
    cache = ActiveUserCache(load, 60)
    await cache.get(7)
    load.user = _user()
    assert await cache.get(7) is not None
    off = ActiveUserCache(load, 0)
    await off.get(7)
    await off.get(7)
    assert load.calls == 4
