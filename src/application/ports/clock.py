"""Clock port."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant, always timezone-aware UTC."""

    def now(self) -> datetime: ...
