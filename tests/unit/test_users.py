"""User use cases: unique usernames, the password policy, login and disabling."""

from __future__ import annotations

import pytest

from application import users as uc
from application.access import SYSTEM
from application.pagination import ListQuery
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.user import Role
from tests.fakes import FakeClock, FakeDatabase, FakePasswordHasher
from tests.unit.builders import a_technician

PASSWORD = "service-van-42"


async def a_user(
    db: FakeDatabase,
    clock: FakeClock,
    hasher: FakePasswordHasher,
    username: str = "alice",
    role: Role = Role.OFFICE,
) -> int:
    user = await uc.create_user(
        SYSTEM, db.uow(), clock, hasher, uc.NewUser(username, PASSWORD, role)
    )
    assert user.id is not None
    return user.id


async def test_create_user(db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher) -> None:
    uow = db.uow()
    user = await uc.create_user(
        SYSTEM, uow, clock, hasher, uc.NewUser(" Alice ", PASSWORD, Role.ADMIN)
    )
    assert uow.committed
    assert (user.id, user.username, user.role, user.active) == (1, "alice", Role.ADMIN, True)
    assert user.created_at == clock.now()
    assert user.password_hash != PASSWORD and hasher.verify(user.password_hash, PASSWORD)
    assert await uc.get_user(SYSTEM, db.uow(), 1) == user
    assert await uc.count_users(db.uow()) == 1


async def test_count_is_zero_on_a_new_installation(db: FakeDatabase) -> None:
    assert await uc.count_users(db.uow()) == 0


async def test_duplicate_username_is_a_conflict(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    await a_user(db, clock, hasher, "alice")
    with pytest.raises(Conflict):
        await uc.create_user(
            SYSTEM, db.uow(), clock, hasher, uc.NewUser("ALICE", PASSWORD, Role.OFFICE)
        )
    assert await uc.count_users(db.uow()) == 1


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("bob", "short1", "password"),
        ("bob", "onlyletterslong", "password"),
        ("b", PASSWORD, "username"),
        ("bob smith", PASSWORD, "username"),
    ],
)
async def test_create_with_bad_input_stores_nothing(
    db: FakeDatabase,
    clock: FakeClock,
    hasher: FakePasswordHasher,
    username: str,
    password: str,
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await uc.create_user(
            SYSTEM, db.uow(), clock, hasher, uc.NewUser(username, password, Role.OFFICE)
        )
    assert field in refused.value.errors
    assert db.rows("users") == []


async def test_create_linked_to_a_technician(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    tech_id = await a_technician(db, clock)
    new = uc.NewUser("tom", PASSWORD, Role.TECHNICIAN, technician_id=tech_id)
    assert (await uc.create_user(SYSTEM, db.uow(), clock, hasher, new)).technician_id == tech_id
    missing = uc.NewUser("tim", PASSWORD, Role.TECHNICIAN, technician_id=99)
    with pytest.raises(NotFound) as not_found:
        await uc.create_user(SYSTEM, db.uow(), clock, hasher, missing)
    assert not_found.value.field == "technician_id"
    assert await uc.count_users(db.uow()) == 1


async def test_authenticate_with_the_right_password(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    user_id = await a_user(db, clock, hasher)
    user = await uc.authenticate(db.uow(), hasher, "  Alice ", PASSWORD)
    assert user is not None and user.id == user_id


async def test_authenticate_with_a_wrong_password(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    await a_user(db, clock, hasher)
    assert await uc.authenticate(db.uow(), hasher, "alice", PASSWORD + "x") is None


async def test_a_disabled_user_cannot_log_in(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    user_id = await a_user(db, clock, hasher)
    await uc.update_user(SYSTEM, db.uow(), hasher, user_id, uc.UserChanges(active=False))
    assert await uc.authenticate(db.uow(), hasher, "alice", PASSWORD) is None
    assert await uc.active_user(db.uow(), user_id) is None


async def test_an_unknown_user_gets_none_after_the_same_work(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    await a_user(db, clock, hasher)
    await uc.authenticate(db.uow(), hasher, "nobody", PASSWORD)  # warms any one-off cost
    known_before = (hasher.hash_calls, hasher.verify_calls)
    await uc.authenticate(db.uow(), hasher, "alice", "wrong-password-1")
    known = (hasher.hash_calls - known_before[0], hasher.verify_calls - known_before[1])
    unknown_before = (hasher.hash_calls, hasher.verify_calls)
    assert await uc.authenticate(db.uow(), hasher, "nobody", PASSWORD) is None
    unknown = (hasher.hash_calls - unknown_before[0], hasher.verify_calls - unknown_before[1])
    assert unknown == known == (0, 1)


async def test_active_user(db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher) -> None:
    user_id = await a_user(db, clock, hasher)
    user = await uc.active_user(db.uow(), user_id)
    assert user is not None and user.username == "alice"
    assert await uc.active_user(db.uow(), 999) is None


async def test_update_changes_password_and_role(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    user_id = await a_user(db, clock, hasher)
    changes = uc.UserChanges(role=Role.ADMIN, password="new-password-2024")
    updated = await uc.update_user(SYSTEM, db.uow(), hasher, user_id, changes)
    assert updated.role is Role.ADMIN
    assert await uc.authenticate(db.uow(), hasher, "alice", PASSWORD) is None
    assert await uc.authenticate(db.uow(), hasher, "alice", "new-password-2024") is not None


async def test_update_rejects_a_weak_password(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    user_id = await a_user(db, clock, hasher)
    before = db.snapshot()
    changes = uc.UserChanges(role=Role.ADMIN, password="123456789012")
    with pytest.raises(ValidationFailed) as refused:
        await uc.update_user(SYSTEM, db.uow(), hasher, user_id, changes)
    assert "password" in refused.value.errors
    assert db.snapshot() == before
    assert await uc.authenticate(db.uow(), hasher, "alice", PASSWORD) is not None


async def test_update_links_only_existing_technicians(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    user_id = await a_user(db, clock, hasher)
    before = db.snapshot()
    with pytest.raises(NotFound) as missing:
        await uc.update_user(SYSTEM, db.uow(), hasher, user_id, uc.UserChanges(technician_id=12))
    assert missing.value.field == "technician_id"
    assert db.snapshot() == before
    tech_id = await a_technician(db, clock)
    changed = await uc.update_user(
        SYSTEM, db.uow(), hasher, user_id, uc.UserChanges(technician_id=tech_id)
    )
    assert changed.technician_id == tech_id


async def test_missing_users(db: FakeDatabase, hasher: FakePasswordHasher) -> None:
    with pytest.raises(NotFound):
        await uc.get_user(SYSTEM, db.uow(), 1)
    with pytest.raises(NotFound):
        await uc.update_user(SYSTEM, db.uow(), hasher, 1, uc.UserChanges(active=False))
    with pytest.raises(NotFound):
        await uc.delete_user(SYSTEM, db.uow(), 1)


async def test_list_and_delete(
    db: FakeDatabase, clock: FakeClock, hasher: FakePasswordHasher
) -> None:
    await a_user(db, clock, hasher, "alice", Role.ADMIN)
    bob = await a_user(db, clock, hasher, "bob")
    page = await uc.list_users(SYSTEM, db.uow(), ListQuery())
    assert ([u.username for u in page.items], page.total) == (["bob", "alice"], 2)
    admins = await uc.list_users(SYSTEM, db.uow(), ListQuery().with_filters(role=Role.ADMIN))
    assert [u.username for u in admins.items] == ["alice"]
    await uc.delete_user(SYSTEM, db.uow(), bob)
    assert await uc.count_users(db.uow()) == 1
