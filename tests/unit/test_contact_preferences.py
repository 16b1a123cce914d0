"""May we contact this customer at instant T by channel C? Answered in the customer's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    QuietHours,
    language_tag,
)
from domain.errors import ValidationFailed

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",  # southern hemisphere: DST from October to April
    "America/Sao_Paulo",  # DST until 2019, switched at local midnight
    "Asia/Kolkata",  # +05:30, no DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -03:30 / -02:30
    "UTC",
]
# The slots as the customer understands them: whole local hours, [start, end).
SLOT_HOURS = {
    DaySlot.MORNING: range(8, 12),
    DaySlot.AFTERNOON: range(12, 17),
    DaySlot.EVENING: range(17, 21),
    DaySlot.ANY: range(24),
}


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta | None:
    return instant.astimezone(zone).utcoffset()


def _transitions(name: str) -> list[datetime]:
    """Every instant of 2000-2040 at which the zone changes its UTC offset."""
    zone, found = ZoneInfo(name), []
    t, week = datetime(2000, 1, 1, tzinfo=UTC), timedelta(days=7)
    while t.year <= 2040:
        lo, hi = int(t.timestamp()), int((t + week).timestamp())
        if _offset(zone, t) != _offset(zone, t + week):
            while hi - lo > 1:
                mid = (lo + hi) // 2
                same = _offset(zone, datetime.fromtimestamp(mid, UTC)) == _offset(zone, t)
                lo, hi = (mid, hi) if same else (lo, mid)
            found.append(datetime.fromtimestamp(hi, UTC))
        t += week
    return found


TRANSITIONS = {name: _transitions(name) for name in ZONES}


@st.composite
def zone_and_instant(draw: st.DrawFn) -> tuple[str, datetime]:
    zone = draw(st.sampled_from(ZONES))
    near_a_transition: bool = draw(st.booleans())
    if TRANSITIONS[zone] and near_a_transition:
        near = draw(st.sampled_from(TRANSITIONS[zone]))
        minutes = draw(st.integers(-2 * 24 * 60, 2 * 24 * 60))
        seconds = draw(st.sampled_from([0, 0, 0, 1, 30, 59]))
        return zone, near + timedelta(minutes=minutes, seconds=seconds)
    naive = draw(st.datetimes(datetime(2000, 1, 1), datetime(2040, 12, 31)))
    return zone, naive.replace(tzinfo=UTC)


wall_clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 0, 15, 30, 45, 59]))
quiet_hours = st.one_of(
    st.just(QuietHours()),
    st.builds(
        QuietHours, st.builds(time, st.integers(5, 10)), st.builds(time, st.integers(17, 23))
    ),
    st.builds(QuietHours, wall_clock, wall_clock),
)
slot_sets = st.frozensets(st.sampled_from(list(DaySlot)))
preferences = st.builds(
    ContactPreferences,
    method=st.none() | st.sampled_from(list(ContactMethod)),
    times=st.none() | st.builds(ContactTimes, slot_sets, slot_sets),
)
channels = st.sampled_from(list(ContactMethod))


def expected(
    prefs: ContactPreferences, instant: datetime, channel: ContactMethod, zone: str, q: QuietHours
) -> bool:
    """The rule, restated: preferred channel, inside quiet hours, inside a slot of that day."""
    local = instant.astimezone(ZoneInfo(zone))
    if prefs.method is not None and channel != prefs.method:
        return False
    if not q.start <= local.time() < q.end:
        return False
    if prefs.times is None:
        return True
    slots = prefs.times.weekends if local.isoweekday() >= 6 else prefs.times.weekdays
    return any(local.hour in SLOT_HOURS[s] for s in slots)


@settings(max_examples=300, deadline=None)
@given(preferences, zone_and_instant(), channels, quiet_hours)
def test_allows_exactly_inside_the_local_window(
    prefs: ContactPreferences, at: tuple[str, datetime], channel: ContactMethod, q: QuietHours
) -> None:
    zone, instant = at
    assert prefs.allows(instant, channel, zone, q) == expected(prefs, instant, channel, zone, q)


def test_allows_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError):
        ContactPreferences().allows(datetime(2024, 1, 1, 9), ContactMethod.SMS, "UTC", QuietHours())


@settings(max_examples=300, deadline=None)
@given(preferences, zone_and_instant(), channels, quiet_hours)
def test_next_allowed_is_the_first_allowed_instant(
    prefs: ContactPreferences, at: tuple[str, datetime], channel: ContactMethod, q: QuietHours
) -> None:
    zone, instant = at
    found = prefs.next_allowed(instant, channel, zone, q)
    if found is not None:
        assert found >= instant
        assert prefs.allows(found, channel, zone, q)
    # Nothing allowed earlier (sampled every 15 minutes; a week covers every kind of day).
    until = found if found is not None else instant + timedelta(days=8)
    probe = instant
    while probe < until:
        assert not prefs.allows(probe, channel, zone, q), f"{probe} is allowed before {found}"
        probe += timedelta(minutes=15)


def first_allowed_by_scan(
    prefs: ContactPreferences, instant: datetime, channel: ContactMethod, zone: str, q: QuietHours
) -> datetime | None:
    """Minute by minute for two days; exact, as every boundary falls on a whole UTC minute."""
    if prefs.allows(instant, channel, zone, q):
        return instant
    probe = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for _ in range(2 * 24 * 60):
        if prefs.allows(probe, channel, zone, q):
            return probe
        probe += timedelta(minutes=1)
    return None


Case = tuple[ContactPreferences, tuple[str, datetime], ContactMethod, QuietHours]


@st.composite
def quiet_hours_across_a_transition(draw: st.DrawFn) -> Case:
    """Quiet hours starting in, before or after a DST gap or repeated hour, asked nearby."""
    zone = draw(st.sampled_from([z for z in ZONES if TRANSITIONS[z]]))
    change = draw(st.sampled_from(TRANSITIONS[zone]))
    before = (change - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).utcoffset()
    assert before is not None
    wall = (change + before).replace(tzinfo=None)  # the wall clock just as it changes
    start = wall + timedelta(minutes=draw(st.integers(-90, 150)))
    end = start + timedelta(minutes=draw(st.integers(1, 180)))
    last = datetime.combine(start.date(), time(23, 59))
    quiet = QuietHours(start.time(), min(end, last).time())
    instant = change + timedelta(minutes=draw(st.integers(-24 * 60, 180)))
    prefs = ContactPreferences(
        times=draw(st.none() | st.builds(ContactTimes, slot_sets, slot_sets))
    )
    return prefs, (zone, instant), draw(channels), quiet


@settings(max_examples=150, deadline=None)
@given(
    st.tuples(preferences, zone_and_instant(), channels, quiet_hours)
    | quiet_hours_across_a_transition()
)
@example(
    (  # São Paulo fall-back: Saturday 23:xx happens twice, the repeat is allowed
        ContactPreferences(times=ContactTimes(frozenset(), frozenset({DaySlot.ANY}))),
        ("America/Sao_Paulo", datetime(2018, 2, 18, 1, 40, tzinfo=UTC)),
        ContactMethod.SMS,
        QuietHours(time(22), time(23, 30)),
    )
)
@example(
    (  # New York spring-forward: a 02:30 quiet start is reached at 03:00 EDT
        ContactPreferences(),
        ("America/New_York", datetime(2024, 3, 10, 6, 0, tzinfo=UTC)),
        ContactMethod.SMS,
        QuietHours(time(2, 30), time(23)),
    )
)
def test_next_allowed_matches_a_minute_by_minute_scan(case: Case) -> None:
    prefs, (zone, instant), channel, q = case
    scanned = first_allowed_by_scan(prefs, instant, channel, zone, q)
    found = prefs.next_allowed(instant, channel, zone, q)
    if scanned is not None:
        assert found == scanned
    else:
        assert found is None or found > instant + timedelta(days=2)


@given(zone_and_instant(), channels, quiet_hours)
@settings(max_examples=100, deadline=None)
def test_next_allowed_is_none_for_another_channel_or_no_slot(
    at: tuple[str, datetime], channel: ContactMethod, q: QuietHours
) -> None:
    zone, instant = at
    other = next(m for m in ContactMethod if m is not channel)
    assert ContactPreferences(method=other).next_allowed(instant, channel, zone, q) is None
    silent = ContactPreferences(times=ContactTimes(frozenset(), frozenset()))
    assert silent.next_allowed(instant, channel, zone, q) is None


def test_next_allowed_keeps_the_callers_offset_and_skips_to_monday() -> None:
    prefs = ContactPreferences(times=ContactTimes.parse({"weekdays": ["morning"]}))
    friday_noon = datetime(2024, 3, 8, 12, tzinfo=ZoneInfo("Europe/London"))
    found = prefs.next_allowed(friday_noon, ContactMethod.EMAIL, "Europe/London", QuietHours())
    assert found == datetime(2024, 3, 11, 8, tzinfo=ZoneInfo("Europe/London"))
    assert found is not None and found.tzinfo is friday_noon.tzinfo


@pytest.mark.parametrize(
    ("from_utc", "first_utc"),
    [
        # Sunday 2024-03-10, spring forward: 08:00 EDT is 12:00 UTC.
        (datetime(2024, 3, 10, 5, tzinfo=UTC), datetime(2024, 3, 10, 12, tzinfo=UTC)),
        # Sunday 2024-11-03, fall back: 08:00 EST is 13:00 UTC.
        (datetime(2024, 11, 3, 4, tzinfo=UTC), datetime(2024, 11, 3, 13, tzinfo=UTC)),
    ],
)
def test_new_york_mornings_on_dst_days(from_utc: datetime, first_utc: datetime) -> None:
    prefs = ContactPreferences(times=ContactTimes.parse({"weekends": ["morning"]}))
    args = (ContactMethod.SMS, "America/New_York", QuietHours())
    assert prefs.next_allowed(from_utc, *args) == first_utc
    assert prefs.allows(first_utc, *args)
    assert not prefs.allows(first_utc - timedelta(minutes=1), *args)


@pytest.mark.parametrize(
    ("zone", "eight_am_utc"),
    [
        ("Asia/Kolkata", datetime(2024, 1, 8, 2, 30, tzinfo=UTC)),  # +05:30
        ("Pacific/Chatham", datetime(2024, 1, 7, 18, 15, tzinfo=UTC)),  # +13:45 in January
        ("America/St_Johns", datetime(2024, 1, 8, 11, 30, tzinfo=UTC)),  # -03:30
        ("Australia/Sydney", datetime(2024, 1, 7, 21, tzinfo=UTC)),  # +11:00 in January
    ],
)
def test_odd_offsets_open_at_local_eight(zone: str, eight_am_utc: datetime) -> None:
    prefs = ContactPreferences(times=ContactTimes.parse({"weekdays": ["morning"]}))
    args = (ContactMethod.SMS, zone, QuietHours())
    assert prefs.allows(eight_am_utc, *args)
    assert not prefs.allows(eight_am_utc - timedelta(seconds=1), *args)
    assert prefs.next_allowed(eight_am_utc - timedelta(hours=3), *args) == eight_am_utc


def test_preferred_method_is_the_only_channel() -> None:
    prefs = ContactPreferences(method=ContactMethod.WHATSAPP)
    noon = datetime(2024, 1, 8, 12, tzinfo=UTC)
    assert prefs.allows(noon, ContactMethod.WHATSAPP, "UTC", QuietHours())
    assert not prefs.allows(noon, ContactMethod.SMS, "UTC", QuietHours())


# --- ContactTimes documents ---------------------------------------------------------------


def test_contact_times_parse_and_round_trip() -> None:
    doc = {"weekdays": ["afternoon", "MORNING"], "weekends": ["any"]}
    times = ContactTimes.parse(doc)
    assert times == ContactTimes(
        frozenset({DaySlot.MORNING, DaySlot.AFTERNOON}), frozenset({DaySlot.ANY})
    )
    assert times.to_document() == {"weekdays": ["morning", "afternoon"], "weekends": ["any"]}
    assert ContactTimes.parse(times.to_document()) == times
    assert ContactTimes.parse({}).to_document() == {"weekdays": [], "weekends": []}


@given(slot_sets, slot_sets)
@settings(max_examples=50, deadline=None)
def test_contact_times_documents_round_trip(
    weekdays: frozenset[DaySlot], weekends: frozenset[DaySlot]
) -> None:
    times = ContactTimes(weekdays, weekends)
    assert ContactTimes.parse(times.to_document()) == times


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"weekday": ["morning"]}, "preferred_contact_times.weekday"),
        ({"weekdays": "morning"}, "preferred_contact_times.weekdays"),
        ({"weekends": {"any": True}}, "preferred_contact_times.weekends"),
        ({"weekdays": ["morning", "noon"]}, "preferred_contact_times.weekdays"),
        ({"weekends": [None]}, "preferred_contact_times.weekends"),
    ],
)
def test_contact_times_parse_names_the_bad_path(doc: dict[str, object], key: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ContactTimes.parse(doc)
    assert list(refused.value.errors) == [key]


# --- language tags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("es-mx", "es-MX"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("PT-br", "pt-BR"),
        ("es-419", "es-419"),
        (" de-DE ", "de-DE"),
    ],
)
def test_language_tag_canonical_case(raw: str, canonical: str) -> None:
    assert language_tag(raw) == canonical
    assert language_tag(canonical) == canonical


@pytest.mark.parametrize(
    "raw", ["english", "", " ", "e", "en_US", "en-", "-en", "en--US", "en-US-x", "es-٤١٩", "1en"]
)
def test_language_tag_rejects_garbage(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        language_tag(raw)
    assert list(refused.value.errors) == ["language_preference"]


def test_validated_preferences_canonicalise_the_language() -> None:
    assert ContactPreferences(language="pt-br").validated().language == "pt-BR"
    with pytest.raises(ValidationFailed):
        ContactPreferences(language="klingon!").validated()
