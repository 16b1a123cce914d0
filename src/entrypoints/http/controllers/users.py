"""/users: admin-only user management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application import users as uc
from domain.user import MIN_PASSWORD_LENGTH, Role, User
from entrypoints.http.created_location import LOCATION_HEADER, created_at
from entrypoints.http.deps import ActiveUsersDep, ActorDep, ClockDep, HasherDep, PathId, Uow
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import Id, In, Out, attributes_to, whole

# The domain's password policy (domain/user.py): 12-256 characters mixing two of letters,
# digits and symbols; on the wire, an ASCII letter and an ASCII digit or symbol (a policy the
# same in every regular-expression dialect, and never looser than the domain's).
Password = Annotated[
    str,
    msgspec.Meta(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=256,
        pattern=whole(
            r"(?=[\s\S]*[A-Za-z])(?=[\s\S]*[0-9 -/:-@\[-`{-~])[^\x00]*",
            "must mix an ASCII letter with an ASCII digit or symbol",
        ),
        description="12-256 characters with an ASCII letter and an ASCII digit or symbol",
    ),
]
# `domain.user.USERNAME` (the domain lower-cases it first).
Username = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=64,
        pattern=whole(
            "[A-Za-z0-9][A-Za-z0-9._@-]{2,63}",
            "must be 3-64 characters: letters, digits, '.', '_', '@', '-'",
        ),
    ),
]


class UserIn(In):
    username: Username
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


user_out = attributes_to(UserOut)


class UserWrites(Controller):
    """Writes need the password hasher and drop the user from the active-user cache."""

    @post("/", operation_id="createUser", response_headers=[LOCATION_HEADER])
    async def create(
        self,
        actor: ActorDep,
        data: JSONBody[UserIn],
        uow: Uow,
        clock: ClockDep,
        password_hasher: HasherDep,
    ) -> Response[UserOut]:
        new = uc.NewUser(data.username, data.password, data.role, data.technician_id)
        return created_at(
            "/users", user_out(await uc.create_user(actor, uow, clock, password_hasher, new))
        )

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


USERS: HttpResource[User] = HttpResource(
    singular="User",
    out=UserOut,
    to_out=user_out,
    crud=uc.users,
    routes="list get",
)
UserController = resource_controller(USERS, UserWrites)
