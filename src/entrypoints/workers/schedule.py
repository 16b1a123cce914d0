"""The periodic schedule: cron strings from Settings, read by APScheduler's CronTrigger.

Cron strings have the five crontab fields `minute hour day-of-month month day-of-week`,
or six with a leading `second` field (handy for demos and tests: `*/5 * * * * *`).
Day-of-week numbers follow crontab (0 or 7 = Sunday, 1 = Monday; names work too), not
APScheduler 3's own numbering (0 = Monday), so `1-5` means Monday to Friday.

Fire times are the instants whose wall-clock time in the schedule's time zone matches the
fields: a wall time skipped by a DST change (spring forward) does not fire that day; one that
happens twice (fall back) fires twice, once per occurrence (two different periods). Daily
times outside 01:00-03:00 local, or SCHEDULE_TIMEZONE=UTC, avoid both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from application.scheduling import PeriodicJob

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MAX_FALL_BACK = timedelta(hours=3)
_SEARCH_LIMIT = 1000


class ScheduleError(ValueError):
    """A cron string or time zone that cannot be used."""


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown time zone {name!r} (use an IANA name like UTC or Europe/Berlin)"
        ) from None


def _crontab_weekday(token: str) -> int:
    token = token.strip().lower()
    if token[:3] in _DAY_NAMES and (len(token) == 3 or token in _FULL_DAY_NAMES):
        return _DAY_NAMES.index(token[:3])
    if not token.isdigit():
        raise ScheduleError(f"bad day of week {token!r}")
    value = int(token)
    if not 0 <= value <= 7:
        raise ScheduleError(f"day of week {value} is not between 0 and 7")
    return value % 7


_FULL_DAY_NAMES = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
}  # fmt: skip


def crontab_day_of_week(field: str) -> str:
    """A crontab day-of-week field (0/7 = Sunday) as an APScheduler 3 field of day names."""
    days: set[int] = set()
    for part in field.split(","):
        part = part.strip()
        if not part:
            raise ScheduleError(f"empty item in day of week {field!r}")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"bad step in day of week {part!r}")
            step = int(step_text)
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            low, high = base.split("-", 1)
            first, last = _crontab_weekday(low), _crontab_weekday(high)
            if high.strip() == "7":
                last = 7
            if last < first:
                raise ScheduleError(f"day of week range {base!r} runs backwards")
        else:
            first = _crontab_weekday(base)
            last = 6 if step_text else first
        days.update(day % 7 for day in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    return ",".join(_DAY_NAMES[day] for day in sorted(days))


def parse_cron(expression: str, zone: tzinfo) -> CronTrigger:
    """A CronTrigger for a 5-field (or 6-field, seconds first) crontab string."""
    fields = expression.split()
    if len(fields) == 5:
        second = "0"
    elif len(fields) == 6:
        second, fields = fields[0], fields[1:]
    else:
        raise ScheduleError(
            f"cron string {expression!r} must have 5 fields (minute hour day month weekday) "
            "or 6 (second first)"
        )
    minute, hour, day, month, weekday = fields
    try:
        trigger = CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_day_of_week(weekday),
            timezone=zone,
        )
    except ValueError as exc:
        raise ScheduleError(f"cron string {expression!r}: {exc}") from None
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ScheduleError(f"cron string {expression!r} never fires")
    return trigger


class CronSchedule:
    """A cron string in a time zone, as `next_fire(t)`: the first fire instant >= t (UTC)."""

    def __init__(self, expression: str, zone: tzinfo) -> None:
        self.expression = expression
        self.zone = zone
        self.trigger = parse_cron(expression, zone)

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r}, {self.zone})"

    def next_fire(self, t: datetime) -> datetime | None:
        if t.tzinfo is None:
            raise ValueError("t must be timezone-aware")
        t = t.astimezone(UTC)
        found = self._wall_search(t)
        # The wall clock goes back at a fall-back: the wall search from t cannot see a match
        # in the repeated interval after the change. Search again from the change itself.
        later = t + _MAX_FALL_BACK
        if self._offset(later) < self._offset(t):
            change = self._transition(t, later)
            again = self._wall_search(change)
            if again is not None and (found is None or again < found):
                found = again
        return found

    def _wall_search(self, t: datetime) -> datetime | None:
        """The first instant >= t whose wall time matches, searching wall times from wall(t)."""
        start = t.astimezone(self.zone)
        for _ in range(_SEARCH_LIMIT):
            fire = self.trigger.get_next_fire_time(None, start)
            if fire is None:
                return None
            wall = fire.replace(tzinfo=None, fold=0)
            instants = self._instants(wall)
            later = [u for u in instants if u >= t]
            if later:
                return min(later)
            if instants:  # both occurrences before t (not expected): move past the wall time
                start = (max(instants) + timedelta(seconds=1)).astimezone(self.zone)
            else:  # a wall time in a spring-forward gap: go on from the end of the gap
                before = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
                after = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
                start = max(self._transition(before, after), t).astimezone(self.zone)
        raise RuntimeError(f"no fire time found for {self.expression!r} after {t}")

    def _instants(self, wall: datetime) -> list[datetime]:
        """Every instant (UTC) whose wall time in the zone is `wall`: zero, one or two."""
        found = set()
        for fold in (0, 1):
            instant = wall.replace(tzinfo=self.zone, fold=fold).astimezone(UTC)
            if instant.astimezone(self.zone).replace(tzinfo=None, fold=0) == wall:
                found.add(instant)
        return sorted(found)

    def _offset(self, t: datetime) -> timedelta:
        offset = t.astimezone(self.zone).utcoffset()
        assert offset is not None
        return offset

    def _transition(self, low: datetime, high: datetime) -> datetime:
        """The first whole second in (low, high] where the offset differs from low's."""
        base = self._offset(low)
        lo = int(low.timestamp())
        hi = int(high.timestamp()) + 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._offset(datetime.fromtimestamp(mid, UTC)) == base:
                lo = mid
            else:
                hi = mid
        return datetime.fromtimestamp(hi, UTC)


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """One line of the schedule: the job (name = actor name) and its cron schedule."""

    name: str
    schedule: CronSchedule
    setting: str

    def periodic_job(self) -> PeriodicJob:
        return PeriodicJob(self.name, self.schedule.next_fire)


#: Job name (= actor name) → the Settings attribute and environment variable of its cron.
JOBS: tuple[tuple[str, str, str], ...] = (
    ("dispatch_due_messages", "dispatch", "SCHEDULE_DISPATCH"),
    ("reconcile_stuck_messages", "reconcile", "SCHEDULE_RECONCILE"),
    ("daily_follow_up_suggestions", "follow_ups", "SCHEDULE_FOLLOW_UPS"),
    ("refresh_maintenance_alerts", "maintenance", "SCHEDULE_MAINTENANCE"),
    ("queue_post_service_surveys", "surveys", "SCHEDULE_SURVEYS"),
    ("prune_insight_generations", "prune_generations", "SCHEDULE_PRUNE_GENERATIONS"),
    ("prune_old_data", "prune", "SCHEDULE_PRUNE"),
    ("backup_database", "backup", "SCHEDULE_BACKUP"),
)
