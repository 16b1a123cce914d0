"""User use cases: authenticate, create, list, read, update, disable."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from application.access import Actor, Permission, authorize
from application.lookups import remove, require
from application.pagination import ListQuery
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.resources import Access, Crud, ResourceSpec
from domain.errors import Conflict, ValidationFailed
from domain.user import Role, User, check_password_policy, check_username

# Verifying against a real hash even for unknown users keeps login time independent of
# whether the username exists.
_DUMMY_PASSWORD = "not-a-real-password-0"
_dummy_hashes: weakref.WeakKeyDictionary[PasswordHasher, str] = weakref.WeakKeyDictionary()


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against for unknown users, computed once per hasher (a fresh
    hash per login would make unknown usernames slower than known ones)."""
    if hasher not in _dummy_hashes:
        _dummy_hashes[hasher] = hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[hasher]


@dataclass(slots=True)
class NewUser:
    username: str
    password: str
    role: Role
    technician_id: int | None = None


@dataclass(slots=True)
class UserChanges:
    role: Role | None = None
    active: bool | None = None
    password: str | None = None
    technician_id: int | None = None


async def authenticate(
    uow: UnitOfWork, hasher: PasswordHasher, username: str, password: str
) -> User | None:
    """The active user with these credentials, or None (never says which part was wrong)."""
    async with uow.read_only():
        user = await uow.users.get_by_username(username.strip().lower())
    if user is None:
        hasher.verify(_dummy_hash(hasher), password)
        return None
    if not hasher.verify(user.password_hash, password) or not user.active:
        return None
    return user


async def active_user(uow: UnitOfWork, user_id: int) -> User | None:
    """The user behind a token, if it still exists and is active."""
    async with uow.read_only():
        user = await uow.users.get(user_id)
    return user if user is not None and user.active else None


def _require_technician_link(role: Role, technician_id: int | None) -> None:
    """A technician user acts for one technician record: it sees that technician's work."""
    if role is Role.TECHNICIAN and technician_id is None:
        raise ValidationFailed.single(
            "technician_id", "a technician user must be linked to a technician record"
        )


async def create_user(
    actor: Actor, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, new: NewUser
) -> User:
    """Create a user (admin only); usernames are unique, passwords meet the minimum policy,
    technician users are linked to their technician record."""
    authorize(actor, Permission.MANAGE_USERS)
    _require_technician_link(new.role, new.technician_id)
    username = check_username(new.username)
    check_password_policy(new.password)
    async with uow:
        if await uow.users.get_by_username(username) is not None:
            raise Conflict(f"username {username!r} is taken")
        if new.technician_id is not None:
            await require(uow.technicians, "technician", new.technician_id, "technician_id")
        user = User(
            username=username,
            password_hash=hasher.hash(new.password),
            role=new.role,
            created_at=clock.now(),
            technician_id=new.technician_id,
        )
        user = await uow.users.add(user)
        await uow.commit()
    return user


async def count_users(uow: UnitOfWork) -> int:
    """How many users exist (zero on a brand-new installation)."""
    async with uow.read_only():
        return await uow.users.count()


USERS: ResourceSpec[User, None] = ResourceSpec(
    name="user",
    sortable=("id", "created_at", "username", "role"),
    repository=lambda uow: uow.users,
    access=Access(read=Permission.MANAGE_USERS),
    filters=frozenset({"role", "active"}),
)
users = Crud(USERS)

get_user = users.get
list_users = users.list


def _refuse_self_lockout(actor: Actor, user_id: int, changes: UserChanges | None) -> None:
    """An admin may not delete, disable or demote themselves (the shop could lose its last
    admin); another admin can."""
    if actor.user_id != user_id:
        return
    if changes is None:
        raise Conflict("you cannot delete your own user")
    if changes.active is False or changes.role not in (None, Role.ADMIN):
        raise Conflict("you cannot disable or demote your own user")


def _is_active_admin(user: User) -> bool:
    return user.role is Role.ADMIN and user.active


async def _keep_an_admin(uow: UnitOfWork) -> None:
    """Refuse to remove, disable or demote the last active admin: nobody could manage users."""
    admins = await uow.users.list(ListQuery(1, 0).with_filters(role=Role.ADMIN, active=True))
    if admins.total <= 1:
        raise Conflict("the last active admin cannot be removed, disabled or demoted")


async def update_user(
    actor: Actor, uow: UnitOfWork, hasher: PasswordHasher, user_id: int, changes: UserChanges
) -> User:
    """Change a user's role, active flag, password or technician link (admin only)."""
    authorize(actor, Permission.MANAGE_USERS)
    _refuse_self_lockout(actor, user_id, changes)
    async with uow:
        user = await require(uow.users, "user", user_id)
        was_active_admin = _is_active_admin(user)
        if changes.role is not None:
            user.role = changes.role
        if changes.active is not None:
            user.active = changes.active
        if changes.password is not None:
            check_password_policy(changes.password)
            user.password_hash = hasher.hash(changes.password)
        if changes.technician_id is not None:
            await require(uow.technicians, "technician", changes.technician_id, "technician_id")
            user.technician_id = changes.technician_id
        _require_technician_link(user.role, user.technician_id)
        if was_active_admin and not _is_active_admin(user):
            await _keep_an_admin(uow)
        await uow.users.update(user)
        await uow.commit()
    return user


async def delete_user(actor: Actor, uow: UnitOfWork, user_id: int) -> None:
    """Remove a user (admin only; not yourself, not the last active admin)."""
    authorize(actor, Permission.MANAGE_USERS)
    _refuse_self_lockout(actor, user_id, None)
    async with uow:
        user = await uow.users.get(user_id)
        if user is not None and _is_active_admin(user):
            await _keep_an_admin(uow)
        await remove(uow.users, "user", user_id)
        await uow.commit()
