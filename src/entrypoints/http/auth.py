"""Authentication (JWT bearer tokens via Litestar's JWTAuth).

What an authenticated user may do is decided by the use cases (`application.access`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import jwt
from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from application.users import active_user
from domain.user import User
from entrypoints.container import Container
from entrypoints.http.active_users import ActiveUserCache
from entrypoints.http.verified_tokens import remembering

# Webhooks authenticate by the provider's signature (checked in their controller); the
# page under /app is static files that sign in through the API themselves.
# /auth/refresh and /auth/logout: the refresh token in the body is the credential.
PUBLIC_PATHS = [
    "^/health$",
    "^/ready$",
    "^/auth/login$",
    "^/auth/refresh$",
    "^/auth/logout$",
    "^/schema",
    "^/webhooks/",
    "^/app(/|$)",
]


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
        token_cls=remembering(
            rotating_token(
                settings.jwt_secret_previous.get_secret_value()
                if settings.jwt_secret_previous
                else None
            )
        ),
        retrieve_user_handler=retrieve_user,
        token_secret=container.jwt_secret(),
        default_token_expiration=timedelta(minutes=settings.jwt_expiry_minutes),
        exclude=PUBLIC_PATHS,
        accepted_issuers=["fieldcrm"],
        accepted_audiences=["fieldcrm-api"],
    )


def rotating_token(previous_secret: str | None) -> type[Token]:
    """The token class: with JWT_SECRET_PREVIOUS set, a token that fails verification with
    JWT_SECRET is tried once more with the previous secret, so rotating the secret does not
    log everyone out; new tokens are always signed with JWT_SECRET."""
    if previous_secret is None:
        return Token
    previous: str = previous_secret

    class RotatingToken(Token):
        @classmethod
        def decode_payload(
            cls,
            encoded_token: str,
            secret: str,
            algorithms: list[str],
            issuer: str | Sequence[str] | None = None,
            audience: str | Sequence[str] | None = None,
            options: Any = None,
        ) -> Any:
            try:
                return super().decode_payload(
                    encoded_token, secret, algorithms, issuer, audience, options
                )
            except jwt.InvalidSignatureError:
                return super().decode_payload(
                    encoded_token, previous, algorithms, issuer, audience, options
                )

    return RotatingToken
