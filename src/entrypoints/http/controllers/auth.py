"""/auth: sign in (access + refresh token), refresh, sign out, and who am I."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware.rate_limit import get_remote_address
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from application.sessions import (
    IssuedSession,
    SessionRefused,
    end_session,
    refresh_session,
    start_session,
)
from application.users import authenticate
from domain.user import User
from entrypoints.http.controllers.users import UserOut, user_out
from entrypoints.http.deps import (
    ClockDep,
    HasherDep,
    JwtDep,
    LoginThrottleDep,
    RefreshTokensDep,
    SettingsDep,
    Uow,
)
from entrypoints.http.wire import NO_NUL, In, Out

# secrets.token_urlsafe(32) is 43 characters; anything far longer is not one of ours.
RefreshToken = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]


class LoginIn(In):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NO_NUL)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256, pattern=NO_NUL)]


class RefreshIn(In):
    refresh_token: RefreshToken


class TokenOut(Out):
    """A short-lived access token (send it as `Authorization: Bearer …`) and the refresh
    token that gets the next one (`POST /auth/refresh`; it works once)."""

    access_token: str
    token_type: str
    expires_in: Annotated[int, msgspec.Meta(description="access token lifetime, seconds")]
    role: str
    refresh_token: str
    refresh_expires_in: Annotated[
        int, msgspec.Meta(description="seconds until the session ends (absolute expiry)")
    ]
    refresh_expires_at: datetime


def _tokens(jwt_auth: JwtDep, session: IssuedSession, now: datetime) -> TokenOut:
    user = session.user
    access = jwt_auth.create_token(
        identifier=str(user.id),
        token_issuer="fieldcrm",
        token_audience="fieldcrm-api",
        token_extras={"role": user.role.value},
    )
    return TokenOut(
        access_token=access,
        token_type="Bearer",
        expires_in=int(jwt_auth.default_token_expiration.total_seconds()),
        role=user.role.value,
        refresh_token=session.refresh_token,
        refresh_expires_in=max(0, int((session.expires_at - now).total_seconds())),
        refresh_expires_at=session.expires_at,
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post(
        "/login",
        operation_id="login",
        status_code=200,
        summary="Sign in",
        description="Exchange a username and password for a short-lived access token "
        "(`JWT_EXPIRY_MINUTES`) and a refresh token (`REFRESH_TOKEN_DAYS`). After too many "
        "failed attempts for the username or the client address: 429 with `Retry-After`.",
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        uow: Uow,
        password_hasher: HasherDep,
        jwt_auth: JwtDep,
        login_throttle: LoginThrottleDep,
        refresh_tokens: RefreshTokensDep,
        clock: ClockDep,
        settings: SettingsDep,
    ) -> TokenOut:
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
        lifetime = timedelta(days=settings.refresh_token_days)
        session = await start_session(refresh_tokens, clock, user, lifetime)
        return _tokens(jwt_auth, session, clock.now())

    @post(
        "/refresh",
        operation_id="refreshSession",
        status_code=200,
        summary="Trade a refresh token for new tokens",
        description="Returns a new access token and a new refresh token; the one sent stops "
        "working. 401 when the refresh token is unknown, expired or signed out, when its "
        "user is disabled, or when it was already used — then the whole session is revoked "
        "(a copy of the token may have been stolen) and the user must sign in again.",
    )
    async def refresh(
        self,
        data: JSONBody[RefreshIn],
        uow: Uow,
        jwt_auth: JwtDep,
        refresh_tokens: RefreshTokensDep,
        clock: ClockDep,
    ) -> TokenOut:
        try:
            session = await refresh_session(refresh_tokens, uow, clock, data.refresh_token)
        except SessionRefused as refused:
            raise NotAuthorizedException(refused.reason) from None
        return _tokens(jwt_auth, session, clock.now())

    @post(
        "/logout",
        operation_id="logout",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out",
        description="Revokes the session of this refresh token (every refresh token of the "
        "sign-in). Access tokens already issued stay valid until they expire "
        "(`JWT_EXPIRY_MINUTES`). Signing out an unknown or ended session also answers 204.",
    )
    async def logout(
        self, data: JSONBody[RefreshIn], refresh_tokens: RefreshTokensDep, clock: ClockDep
    ) -> None:
        await end_session(refresh_tokens, clock, data.refresh_token)

    @get(
        "/me",
        operation_id="getCurrentUser",
        summary="The signed-in user",
        description="The user the bearer token belongs to: id, username, role, whether "
        "active, and the technician record a technician user acts for.",
    )
    async def me(self, request: Request[User, Any, Any]) -> UserOut:
        return user_out(request.user)
