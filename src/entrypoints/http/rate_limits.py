"""Per-user rate limits (Litestar's RateLimitMiddleware), stored in Redis when configured.

Two budgets: the LLM endpoints', and the endpoints that queue messages to customers'.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import (
    RateLimitConfig,
    RateLimitMiddleware,
    get_remote_address,
)
from litestar.types import ASGIApp, Receive, Scope, Send

from domain.user import User

LLM_REQUESTS_PER_MINUTE = 20  # used when the app does not say (Settings: LLM_RATE_LIMIT_PER_MINUTE)
LLM_RATE_LIMIT_STORE = "llm_rate_limit"  # the app registers a RedisStore under it with REDIS_URL
LLM_RATE_LIMIT_STATE_KEY = "llm_rate_limit_per_minute"  # app.state: the configured limit
MESSAGE_REQUESTS_PER_MINUTE = 30  # Settings: MESSAGE_RATE_LIMIT_PER_MINUTE
MESSAGE_RATE_LIMIT_STORE = "message_rate_limit"
MESSAGE_RATE_LIMIT_STATE_KEY = "message_rate_limit_per_minute"


def per_user(request: Request[Any, Any, Any]) -> str:
    """The authenticated user (falls back to the client address before authentication)."""
    user = request.scope.get("user")
    if isinstance(user, User) and user.id is not None:
        return f"user:{user.id}"
    return f"addr:{get_remote_address(request)}"


class LlmRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's rate limit, with three additions:

    - the limit comes from the app's state (Settings) unless the config fixes one, so the
      controllers can declare the middleware at import time;
    - (a failing Redis store falls back to memory: the app registers a FallbackStore);
    - a refused request carries `Retry-After` (seconds until the window resets).
    """

    def __init__(self, app: ASGIApp, config: RateLimitConfig) -> None:
        super().__init__(app, config)
        self._fixed = getattr(config, "fixed_limit", False)
        self._state_key = getattr(config, "state_key", LLM_RATE_LIMIT_STATE_KEY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._fixed:
            limit = scope["litestar_app"].state.get(self._state_key)
            if isinstance(limit, int) and limit > 0:
                self.max_requests = limit
        try:
            await super().__call__(scope, receive, send)
        except TooManyRequestsException as exc:
            headers = dict(exc.headers or {})
            headers.setdefault(
                "Retry-After", headers.get(self.config.rate_limit_reset_header_key, "60")
            )
            exc.headers = headers
            raise


class MessageRateLimitMiddleware(LlmRateLimitMiddleware):
    """The same, for the endpoints that queue messages (its own counters: the cache key
    starts with the class name)."""


class _LlmRateLimitConfig(RateLimitConfig):
    fixed_limit: bool = False
    state_key: str = LLM_RATE_LIMIT_STATE_KEY


def _per_user_limit(
    per_minute: int | None,
    default: int,
    store: str,
    middleware: type[LlmRateLimitMiddleware],
    state_key: str,
) -> RateLimitConfig:
    config = _LlmRateLimitConfig(
        rate_limit=("minute", per_minute or default),
        identifier_for_request=per_user,
        store=store,
        middleware_class=middleware,
    )
    config.fixed_limit = per_minute is not None
    config.state_key = state_key
    return config


def llm_rate_limit(per_minute: int | None = None) -> RateLimitConfig:
    """The LLM endpoints' limit per user and minute: `per_minute`, else the app's Settings.

    Every LLM controller shares one budget per user (same middleware name, same store).
    """
    return _per_user_limit(
        per_minute,
        LLM_REQUESTS_PER_MINUTE,
        LLM_RATE_LIMIT_STORE,
        LlmRateLimitMiddleware,
        LLM_RATE_LIMIT_STATE_KEY,
    )


def message_rate_limit(per_minute: int | None = None) -> RateLimitConfig:
    """The limit per user and minute on requests that queue messages to customers:
    `per_minute`, else the app's Settings (MESSAGE_RATE_LIMIT_PER_MINUTE)."""
    return _per_user_limit(
        per_minute,
        MESSAGE_REQUESTS_PER_MINUTE,
        MESSAGE_RATE_LIMIT_STORE,
        MessageRateLimitMiddleware,
        MESSAGE_RATE_LIMIT_STATE_KEY,
    )
