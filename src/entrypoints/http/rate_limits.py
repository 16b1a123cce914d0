"""Per-user rate limits (Litestar's RateLimitMiddleware), stored in Redis when configured.

Two budgets: the LLM endpoints', and the endpoints that queue messages to customers'.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import (
    DURATION_VALUES,
    RateLimitConfig,
    RateLimitMiddleware,
    get_remote_address,
)
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from domain.user import User
from entrypoints.http.fallback_store import STORE_ERRORS, FallbackStore
from entrypoints.http.rate_window import RateWindow
from entrypoints.http.redis_window import count_in_redis

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
    """Litestar's rate limit (a fixed window per user, the same store keys and response
    headers), with these changes:

    - the limit comes from the app's state (Settings) unless the config fixes one, so the
      controllers can declare the middleware at import time;
    - (a failing Redis store falls back to memory: the app registers a FallbackStore);
    - a refused request carries `Retry-After` (seconds until the window resets);
    - the window is stored as its count and reset time (rate_window.py), not as a JSON
      list of every request's timestamp, so a request costs the same at any limit;
    - with Redis the count is one atomic round trip (redis_window.py), not a read and a
      write that two processes could interleave.
    """

    def __init__(self, app: ASGIApp, config: RateLimitConfig) -> None:
        super().__init__(app, config)
        self._fixed = getattr(config, "fixed_limit", False)
        self._state_key = getattr(config, "state_key", LLM_RATE_LIMIT_STATE_KEY)
        self._seconds = DURATION_VALUES[self.unit]
        # Read, count, write back: one request at a time per process (an uncontended
        # asyncio lock costs no trip through the event loop, unlike anyio's).
        self._window_lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._fixed:
            limit = scope["litestar_app"].state.get(self._state_key)
            if isinstance(limit, int) and limit > 0:
                self.max_requests = limit
        app = scope["litestar_app"]
        request: Request[Any, Any, Any] = app.request_class(scope)
        if not await self.should_check_request(request=request):
            await self.app(scope, receive, send)
            return
        key = self.cache_key_from_request(request)
        now = int(time.time())
        window = await self._count(self.config.get_store_from_app(app), key, now)
        if window.count > self.max_requests:
            headers = self.window_headers(window, now)
            headers["Retry-After"] = headers[self.config.rate_limit_reset_header_key]
            raise TooManyRequestsException(headers=headers)
        if self.config.set_rate_limit_headers:
            send = self._with_headers(send, self.window_headers(window, now))
        await self.app(scope, receive, send)

    async def _count(self, store: Store, key: str, now: int) -> RateWindow:
        """This request counted in its window (a count over the limit: refused).

        Redis (a FallbackStore over a RedisStore) counts in one atomic round trip; while it
        fails, and in any other store, the window is read, counted and written back, one
        request at a time in this process, and a refused request is not counted."""
        if isinstance(store, FallbackStore) and isinstance(store.primary, RedisStore):
            try:
                return await count_in_redis(store.primary, key, now, self._seconds)
            except STORE_ERRORS as exc:
                store.failed(exc)
                store = store.local
        async with self._window_lock:
            window = RateWindow.read(await store.get(key), now, self._seconds)
            if window.count >= self.max_requests:
                return window.counted()  # refused, and not stored
            window = window.counted()
            await store.set(key, window.encode(), expires_in=max(1, window.reset - now))
            return window

    def window_headers(self, window: RateWindow, now: int) -> dict[str, str]:
        """Litestar's RateLimit-* headers for `window` (counting this request)."""
        config = self.config
        return {
            config.rate_limit_policy_header_key: f"{self.max_requests}; w={self._seconds}",
            config.rate_limit_limit_header_key: str(self.max_requests),
            config.rate_limit_remaining_header_key: str(max(0, self.max_requests - window.count)),
            config.rate_limit_reset_header_key: str(window.reset - now),
        }

    @staticmethod
    def _with_headers(send: Send, headers: dict[str, str]) -> Send:
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *raw]
            await send(message)

        return send_with_headers


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
