"""Authentication (JWT bearer tokens via Litestar's JWTAuth) and role guards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token

from application.users import active_user
from domain.user import Role, User
from entrypoints.container import Container
from entrypoints.http.active_users import ActiveUserCache

# Webhooks authenticate by the provider's signature (checked in their controller).
PUBLIC_PATHS = ["^/health$", "^/ready$", "^/auth/login$", "^/schema", "^/webhooks/"]


def build_active_users(container: Container) -> ActiveUserCache:
    async def load(user_id: int) -> User | None:
        return await active_user(container.uow(), user_id)

    return ActiveUserCache(load, container.settings().auth_user_cache_seconds)


def build_jwt_auth(container: Container, users: ActiveUserCache) -> JWTAuth[User, Token]:
    settings = container.settings()

    async def retrieve_user(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        try:
            user_id = int(token.sub)
        except ValueError:
            return None
        return await users.get(user_id)

    return JWTAuth[User, Token](
        retrieve_user_handler=retrieve_user,
        token_secret=container.jwt_secret(),
        default_token_expiration=timedelta(minutes=settings.jwt_expiry_minutes),
        exclude=PUBLIC_PATHS,
        accepted_issuers=["fieldcrm"],
        accepted_audiences=["fieldcrm-api"],
    )


def requires(*roles: Role) -> Any:
    """A guard admitting only users whose role is one of `roles`."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if connection.scope.get("method") == "OPTIONS":
            return  # Litestar's automatic OPTIONS answer (Allow header); not authenticated
        user = connection.scope.get("user")
        if not isinstance(user, User) or user.role not in roles:
            raise PermissionDeniedException("your role may not do this")

    return guard


admin_only = requires(Role.ADMIN)
office_or_admin = requires(Role.ADMIN, Role.OFFICE)
