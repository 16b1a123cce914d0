"""/users: admin-only user management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import users as uc
from domain.user import Role, User
from entrypoints.http.deps import ActiveUsersDep, ActorDep, ClockDep, HasherDep, PathId, Uow
from entrypoints.http.wire import Id, In, Limit, Offset, Out, PageOut, list_query, page_out

Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class UserIn(In):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Password
    role: Role
    technician_id: Id | None = None


class UserChangesIn(In):
    role: Role | None = None
    active: bool | None = None
    password: Password | None = None
    technician_id: Id | None = None


class UserOut(Out):
    id: int
    username: str
    role: Role
    active: bool
    technician_id: int | None
    created_at: datetime


def user_out(u: User) -> UserOut:
    assert u.id is not None
    return UserOut(
        id=u.id,
        username=u.username,
        role=u.role,
        active=u.active,
        technician_id=u.technician_id,
        created_at=u.created_at,
    )


class UserController(Controller):
    path = "/users"
    tags = ["users"]

    @post("/", operation_id="createUser")
    async def create(
        self,
        actor: ActorDep,
        data: JSONBody[UserIn],
        uow: Uow,
        clock: ClockDep,
        password_hasher: HasherDep,
    ) -> UserOut:
        new = uc.NewUser(data.username, data.password, data.role, data.technician_id)
        return user_out(await uc.create_user(actor, uow, clock, password_hasher, new))

    @get("/", operation_id="listUsers")
    async def list_(
        self, actor: ActorDep, uow: Uow, limit: Limit = 50, offset: Offset = 0
    ) -> PageOut[UserOut]:
        return page_out(await uc.list_users(actor, uow, list_query(limit, offset)), user_out)

    @get("/{user_id:int}", operation_id="getUser")
    async def get_one(self, actor: ActorDep, user_id: PathId, uow: Uow) -> UserOut:
        return user_out(await uc.get_user(actor, uow, user_id))

    @put("/{user_id:int}", operation_id="updateUser")
    async def update(
        self,
        actor: ActorDep,
        user_id: PathId,
        data: JSONBody[UserChangesIn],
        uow: Uow,
        password_hasher: HasherDep,
        active_users: ActiveUsersDep,
    ) -> UserOut:
        changes = uc.UserChanges(data.role, data.active, data.password, data.technician_id)
        user = await uc.update_user(actor, uow, password_hasher, user_id, changes)
        active_users.forget(user_id)
        return user_out(user)

    @delete("/{user_id:int}", operation_id="deleteUser", status_code=HTTP_204_NO_CONTENT)
    async def remove(
        self, actor: ActorDep, user_id: PathId, uow: Uow, active_users: ActiveUsersDep
    ) -> None:
        await uc.delete_user(actor, uow, user_id)
        active_users.forget(user_id)
