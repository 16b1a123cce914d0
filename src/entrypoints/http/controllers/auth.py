"""/auth/login: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware.rate_limit import get_remote_address
from litestar.params import JSONBody

from application.users import authenticate
from entrypoints.http.deps import HasherDep, JwtDep, LoginThrottleDep, Uow
from entrypoints.http.wire import In, Out


class LoginIn(In):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TokenOut(Out):
    access_token: str
    token_type: str
    expires_in: int
    role: str


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        uow: Uow,
        password_hasher: HasherDep,
        jwt_auth: JwtDep,
        login_throttle: LoginThrottleDep,
    ) -> TokenOut:
        """429 with Retry-After after too many failures for the username or the address."""
        address = get_remote_address(request)
        wait = await login_throttle.retry_after(data.username, address)
        if wait is not None:
            raise TooManyRequestsException(
                "too many failed logins; try again later", headers={"Retry-After": str(wait)}
            )
        user = await authenticate(uow, password_hasher, data.username, data.password)
        if user is None:
            await login_throttle.failed(data.username, address)
            raise NotAuthorizedException("wrong username or password, or the user is disabled")
        await login_throttle.succeeded(data.username)
        token = jwt_auth.create_token(
            identifier=str(user.id),
            token_issuer="fieldcrm",
            token_audience="fieldcrm-api",
            token_extras={"role": user.role.value},
        )
        return TokenOut(
            access_token=token,
            token_type="Bearer",
            expires_in=int(jwt_auth.default_token_expiration.total_seconds()),
            role=user.role.value,
        )
