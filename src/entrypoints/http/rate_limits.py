"""Per-user rate limits (Litestar's RateLimitMiddleware), stored in Redis when configured."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address

from domain.user import User

LLM_REQUESTS_PER_MINUTE = 20


def per_user(request: Request[Any, Any, Any]) -> str:
    """The authenticated user (falls back to the client address before authentication)."""
    user = request.scope.get("user")
    if isinstance(user, User) and user.id is not None:
        return f"user:{user.id}"
    return f"addr:{get_remote_address(request)}"


def llm_rate_limit(per_minute: int = LLM_REQUESTS_PER_MINUTE) -> RateLimitConfig:
    return RateLimitConfig(
        rate_limit=("minute", per_minute), identifier_for_request=per_user, store="llm_rate_limit"
    )
