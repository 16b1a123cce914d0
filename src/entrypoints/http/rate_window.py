"""One rate-limit window as the store keeps it: how many requests it has counted, and when
it resets (a fixed window, like Litestar's RateLimitMiddleware).

Litestar stores the window as JSON carrying one timestamp per counted request, which it
decodes and re-encodes on every request: the cost grows with the limit (a limit of 10,000
a minute is a list of up to 10,000 numbers per request). Only the count and the reset
time are ever used, so the window is stored as those two numbers (`b"3 1733212800"`).
A value in Litestar's JSON form (written before this format) is read as its count.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec


@dataclass(frozen=True, slots=True)
class RateWindow:
    count: int
    reset: int  # Unix seconds when the window ends and the count starts again at 0

    @classmethod
    def starting(cls, now: int, seconds: int) -> RateWindow:
        return cls(0, now + seconds)

    @classmethod
    def read(cls, stored: bytes | None, now: int, seconds: int) -> RateWindow:
        """The window `stored` holds, or a fresh one when it holds none that is still open."""
        window = _decode(stored) if stored else None
        if window is None or window.reset <= now:
            return cls.starting(now, seconds)
        return window

    def counted(self) -> RateWindow:
        """This window with one more request."""
        return RateWindow(self.count + 1, self.reset)

    def encode(self) -> bytes:
        return b"%d %d" % (self.count, self.reset)


class _LitestarWindow(msgspec.Struct):
    history: list[int]
    reset: int


def _decode(stored: bytes) -> RateWindow | None:
    try:
        if stored.startswith(b"{"):
            old = msgspec.json.decode(stored, type=_LitestarWindow)
            return RateWindow(len(old.history), old.reset)
        count, reset = stored.split()
        return RateWindow(int(count), int(reset))
    except (ValueError, msgspec.DecodeError):
        return None  # unreadable: counting starts afresh
