"""How and when a customer wants to be contacted, and whether an instant respects it."""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import ValidationFailed


class ContactMethod(enum.StrEnum):
    WHATSAPP = "WHATSAPP"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    SMS = "SMS"


class Frequency(enum.StrEnum):
    MINIMAL = "MINIMAL"
    MODERATE = "MODERATE"
    FREQUENT = "FREQUENT"


class DaySlot(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY = "any"


# Local wall-clock windows [start, end) of each slot.
SLOT_HOURS: dict[DaySlot, tuple[time, time]] = {
    DaySlot.MORNING: (time(8), time(12)),
    DaySlot.AFTERNOON: (time(12), time(17)),
    DaySlot.EVENING: (time(17), time(21)),
    DaySlot.ANY: (time(0), time(23, 59, 59, 999999)),
}
DAY_KINDS = ("weekdays", "weekends")
BCP47 = re.compile(
    r"^(?P<lang>[a-zA-Z]{2,3})(-(?P<script>[a-zA-Z]{4}))?(-(?P<region>[a-zA-Z]{2}|\d{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|\d[a-zA-Z0-9]{3}))*$",
    re.ASCII,  # \d must not match other scripts' digits ("es-٤١٩")
)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """The shop-wide window in which any contact is allowed, in the customer's local time."""

    start: time = time(8)
    end: time = time(21)

    def allows(self, local: time) -> bool:
        return self.start <= local < self.end


def language_tag(value: str, field: str = "language_preference") -> str:
    """A BCP 47 tag in canonical case (`pt-BR`, `zh-Hant-TW`)."""
    match = BCP47.match(value.strip()) if len(value) <= 35 else None
    if match is None:
        raise ValidationFailed.single(field, "must be a BCP 47 language tag such as en or es-MX")
    parts = value.strip().split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@dataclass(frozen=True, slots=True)
class ContactTimes:
    """Slots per kind of day, e.g. {"weekdays": ["morning"], "weekends": ["any"]}."""

    weekdays: frozenset[DaySlot]
    weekends: frozenset[DaySlot]

    @classmethod
    def parse(
        cls, document: Mapping[str, object], field: str = "preferred_contact_times"
    ) -> ContactTimes:
        unknown = sorted(set(document) - set(DAY_KINDS))
        if unknown:
            raise ValidationFailed.single(
                f"{field}.{unknown[0]}", "unknown key; use 'weekdays' and 'weekends'"
            )
        slots: dict[str, frozenset[DaySlot]] = {}
        names = ", ".join(s.value for s in DaySlot)
        for kind in DAY_KINDS:
            raw = document.get(kind, [])
            if not isinstance(raw, list) or len(raw) > len(DaySlot):
                raise ValidationFailed.single(f"{field}.{kind}", f"must be a list of: {names}")
            chosen: set[DaySlot] = set()
            for item in raw:
                try:
                    chosen.add(DaySlot(str(item).lower()))
                except ValueError:
                    raise ValidationFailed.single(
                        f"{field}.{kind}", f"{item!r} is not one of: {names}"
                    ) from None
            slots[kind] = frozenset(chosen)
        return cls(slots["weekdays"], slots["weekends"])

    def to_document(self) -> dict[str, list[str]]:
        order = list(DaySlot)
        return {
            kind: [s.value for s in sorted(getattr(self, kind), key=order.index)]
            for kind in DAY_KINDS
        }

    def allows(self, local: datetime) -> bool:
        slots = self.weekends if local.weekday() >= 5 else self.weekdays
        wall = local.time().replace(tzinfo=None)
        return any(SLOT_HOURS[s][0] <= wall < SLOT_HOURS[s][1] for s in slots)


@dataclass(frozen=True, slots=True)
class ContactPreferences:
    method: ContactMethod | None = None
    times: ContactTimes | None = None
    frequency: Frequency | None = None
    language: str = "en"

    def validated(self) -> ContactPreferences:
        return ContactPreferences(
            self.method, self.times, self.frequency, language_tag(self.language)
        )

    def allows(
        self, instant: datetime, channel: ContactMethod, zone: str, quiet: QuietHours
    ) -> bool:
        """May the shop contact this customer at `instant` (aware) through `channel`?"""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        if self.method is not None and channel is not self.method:
            return False
        local = instant.astimezone(ZoneInfo(zone))
        if not quiet.allows(local.time().replace(tzinfo=None)):
            return False
        return self.times is None or self.times.allows(local)

    def channel_for(
        self, wanted: ContactMethod, reachable: Collection[ContactMethod]
    ) -> ContactMethod | None:
        """The channel to use when `wanted` is suggested: the preferred method when one is
        set, else `wanted`, else any other; only one in `reachable` (None: no channel)."""
        if self.method is not None:
            return self.method if self.method in reachable else None
        order = [wanted, *(m for m in ContactMethod if m is not wanted)]
        return next((m for m in order if m in reachable), None)

    def next_allowed(
        self, instant: datetime, channel: ContactMethod, zone: str, quiet: QuietHours
    ) -> datetime | None:
        """The earliest instant at or after `instant` when contact is allowed (None: never)."""
        if self.allows(instant, channel, zone, quiet):
            return instant
        if self.method is not None and channel is not self.method:
            return None
        tz = ZoneInfo(zone)
        local_day = instant.astimezone(tz).date()
        starts = sorted({quiet.start, *(SLOT_HOURS[s][0] for s in DaySlot)})
        # Contact becomes allowed either when the wall clock reaches a start (in a repeated
        # fall-back hour that happens twice: fold 0 and 1), or when the offset changes and
        # the clock jumps into an allowed window (a start inside a DST gap, or a fall-back).
        candidates = set(_offset_changes(tz, instant, instant + timedelta(days=9)))
        for day_offset in range(-1, 9):
            day = local_day + timedelta(days=day_offset)
            for start in starts:
                for fold in (0, 1):
                    local = datetime.combine(day, start, tzinfo=tz).replace(fold=fold)
                    candidates.add(local.astimezone(UTC))
        for candidate in sorted(c for c in candidates if c >= instant):
            if self.allows(candidate, channel, zone, quiet):
                return candidate.astimezone(instant.tzinfo)
        return None


def _offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The instants in [start - 1s, end] at which `tz` changes its UTC offset."""
    changes: list[datetime] = []
    lo = int(start.timestamp()) - 1
    before = datetime.fromtimestamp(lo, tz).utcoffset()
    while lo < end.timestamp():
        hi = lo + 3600
        after = datetime.fromtimestamp(hi, tz).utcoffset()
        if after != before:
            left, right = lo, hi  # offset is `before` at left, `after` at right
            while right - left > 1:
                mid = (left + right) // 2
                if datetime.fromtimestamp(mid, tz).utcoffset() == before:
                    left = mid
                else:
                    right = mid
            changes.append(datetime.fromtimestamp(right, UTC))
        lo, before = hi, after
    return changes
