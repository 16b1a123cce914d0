"""The seeded random draws the demo planners share: instants, contact data, model numbers.

Every planner draws from the one `random.Random(seed)` held here, in a fixed order, so the
same seed on the same day gives the same shop.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from entrypoints.demo.vocabulary import WORDS

SHOP_ZONE = ZoneInfo("America/Los_Angeles")
HISTORY_DAYS = 730


class Draws:
    """Random draws relative to the simulated present `as_of`; pure (no I/O)."""

    def __init__(self, seed: int, as_of: datetime) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self._phones = self._phone_pool()
        self._emails: set[str] = set()

    def _phone_pool(self) -> list[str]:
        """Fictional numbers (555-0100..0199), Bay Area codes first, shuffled per area code."""
        pool: list[str] = []
        for code in dict.fromkeys(city.area_code for city in WORDS.cities):
            numbers = [f"+1{code}55501{n:02d}" for n in range(100)]
            self.rng.shuffle(numbers)
            pool.extend(numbers)
        return pool

    def phone(self, area_code: str | None = None) -> str | None:
        if area_code is not None:
            return f"+1{area_code}55501{self.rng.randrange(100):02d}"
        if not self._phones:
            return None  # more contacts than fictional numbers: leave the phone empty
        return self._phones.pop(self.rng.randrange(len(self._phones)))

    def email(self, local: str, domain: str | None = None) -> str:
        local = "".join(ch for ch in local.lower() if ch.isalnum() or ch in "._")
        domain = domain or self.rng.choice(WORDS.email_domains)
        email = f"{local}@{domain}"
        suffix = 2
        while email in self._emails:
            email = f"{local}{suffix}@{domain}"
            suffix += 1
        self._emails.add(email)
        return email

    def minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    def before_now(self, instant: datetime, margin_minutes: int = 5) -> datetime:
        """Clamp an instant so it stays in the simulated past."""
        latest = self.as_of - timedelta(minutes=margin_minutes)
        return min(instant, latest)

    def entered(self, happened: datetime, max_delay_minutes: int) -> datetime:
        """When the office typed something in: after it happened, before the simulated now."""
        latest = self.as_of - timedelta(minutes=5)
        entered = happened + self.minutes(1, max_delay_minutes)
        if entered <= latest:
            return entered
        return self.between(happened, latest) if happened < latest else latest

    def between(self, low: datetime, high: datetime) -> datetime:
        seconds = max(int((high - low).total_seconds()), 1)
        return low + timedelta(seconds=self.rng.randrange(seconds))

    def local(self, day: date, hour: int, minute: int) -> datetime:
        """A shop-local wall-clock time on `day`, in UTC."""
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHOP_ZONE)
        return local.astimezone(UTC)

    def model_number(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        head = "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 3)))
        digits = "".join(str(self.rng.randrange(10)) for _ in range(self.rng.randint(3, 5)))
        tail = "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 4)))
        return head + digits + tail
