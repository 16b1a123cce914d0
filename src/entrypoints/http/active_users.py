"""Who a bearer token belongs to, remembered for a few seconds.

Loading the token's user is a second database round trip on every request (about a third
of a Customer View GET on SQLite, see docs/performance.md). Active users are remembered for
AUTH_USER_CACHE_SECONDS (default 5; 0 turns it off). A change made through this process
(PUT or DELETE /users/{id}) takes effect at once; one made through another instance within
that many seconds.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from domain.user import User

MAX_ENTRIES = 10_000


class ActiveUserCache:
    def __init__(
        self,
        load: Callable[[int], Awaitable[User | None]],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[int, tuple[float, User]] = {}

    async def get(self, user_id: int) -> User | None:
        now = self._clock()
        entry = self._entries.get(user_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        user = await self._load(user_id)
        if user is None or self._ttl <= 0:
            self._entries.pop(user_id, None)
            return user
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[user_id] = (now + self._ttl, user)
        return user

    def forget(self, user_id: int) -> None:
        self._entries.pop(user_id, None)
