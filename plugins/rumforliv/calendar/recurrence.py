"""When events happen: the one place where repeating events are expanded.

The website, the iCal feeds and the newsletter all read `Occurrence`s from
here, so they can never disagree. Times are aware datetimes in the site's
zone (the setting TIMEZONE, Europe/Copenhagen); all-day events use plain
dates. dateutil expands the rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property
from zoneinfo import ZoneInfo

from dateutil import rrule as dtrule

DEFAULT_ZONE = "Europe/Copenhagen"  # where the setting TIMEZONE is not given
DEFAULT_TZ = ZoneInfo(DEFAULT_ZONE)
UTC = dt.UTC
# How far a rule without an end is looked at when checking exception dates.
CHECK_HORIZON_YEARS = 30
MICROSECOND = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    """One time an event takes place (or was meant to)."""

    # The Event content object this belongs to. Listings show its header fields, never its body:
    # memo.py keys their pages by the header alone, so a changed description re-renders only the event's page.
    event: object = field(metadata={"shows": "header"})
    start: dt.datetime | dt.date = field(metadata={"stamped": True})
    end: dt.datetime | dt.date = field(metadata={"stamped": True})  # exclusive for all-day events
    original_start: dt.datetime | dt.date = field(metadata={"stamped": True})  # the rule's slot; RECURRENCE-ID
    cancelled: bool = field(default=False, metadata={"stamped": True})
    moved: bool = field(default=False, metadata={"stamped": True})
    # Given by an expansion (`Expansions`): its key's digest (one bytes object per expansion) and this
    # occurrence's place in it (4 bytes), which fix every stamped field. memo.py digests that instead of
    # the times: a rebuild digests tens of thousands.
    stamp: tuple[bytes, bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    def __post_init__(self):
        # `day` and `last_day` (inclusive, as editors and readers count) are asked for by every listing
        # filter, on every page. Set here, as plain attributes: a cached_property's first use takes a
        # lock, a tenth of a second over a calendar.
        start, end = self.start, self.end
        if isinstance(start, dt.datetime):
            self.__dict__.update(day=start.date(), last_day=(end - MICROSECOND).date())
        else:
            self.__dict__.update(day=start, last_day=end - DAY)

    @property
    def sort_key(self):
        start = self.start
        if isinstance(start, dt.datetime):
            return (start, self.event.slug)
        return (as_datetime(start, self.event.schedule.tz), self.event.slug)


def site_zone(settings: dict) -> ZoneInfo:
    """The zone editors write their times in (the setting TIMEZONE)."""
    return ZoneInfo(settings.get("TIMEZONE") or DEFAULT_ZONE)


def as_datetime(value, zone: ZoneInfo) -> dt.datetime:
    """Sortable form: all-day dates count from local midnight."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), zone)


def localize(value, zone: ZoneInfo):
    """Editors write local wall time; attach the zone (dates stay dates)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    return value


@dataclass(frozen=True)
class Schedule:
    """The timing of one event, checked and normalised."""

    start: dt.datetime | dt.date
    end: dt.datetime | dt.date  # exclusive for all-day events
    rule: tuple[tuple[str, str], ...] | None = None  # RRULE parts, UNTIL in UTC
    excluded: tuple[dt.date, ...] = ()
    cancelled_days: tuple[dt.date, ...] = ()
    moves: tuple[tuple[dt.date, dt.datetime | dt.date], ...] = ()
    cancelled: bool = False
    zone: str = DEFAULT_ZONE  # the setting TIMEZONE: where all-day dates and the rule's wall times are

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)  # zoneinfo keeps one object per key

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def rrule_text(self) -> str | None:
        return ";".join(f"{k}={v}" for k, v in self.rule) if self.rule else None

    @cached_property
    def _rrule(self):
        start = self.start if not self.all_day else dt.datetime.combine(self.start, dt.time())
        return dtrule.rrulestr(self.rrule_text, dtstart=start, cache=False)

    @cached_property
    def _starts(self) -> RuleStarts:
        return RuleStarts(self._rrule)

    def __getstate__(self):
        """Pickle (Pelican's content cache) only the fields; expansions are rebuilt on demand."""
        return {key: value for key, value in self.__dict__.items() if not key.startswith("_")}

    def _bounds(self, first: dt.date, last: dt.date):
        if self.all_day:
            return dt.datetime.combine(first, dt.time()), dt.datetime.combine(last, dt.time(23, 59))
        zone = self.tz
        return dt.datetime.combine(first, dt.time(), zone), dt.datetime.combine(last, dt.time(23, 59, 59), zone)

    def slots(self, first: dt.date, last: dt.date) -> list:
        """Starts the rule gives on days first..last (inclusive), before exceptions."""
        if not self.rule:
            day = self.start.date() if not self.all_day else self.start
            return [self.start] if first <= day <= last else []
        moments = self._starts.between(*self._bounds(first, last))
        if self.all_day:
            return [moment.date() for moment in moments]
        zone = self.tz
        return [localize(moment, zone) for moment in moments]

    def has_slot(self, first: dt.date, last: dt.date) -> bool:
        """Whether the rule gives any start on days first..last (without expanding them all)."""
        if not self.rule:
            return bool(self.slots(first, last))
        return self._starts.any_between(*self._bounds(first, last))

    def is_slot_day(self, day: dt.date) -> bool:
        return self.has_slot(day, day)

    @property
    def last_slot_day(self) -> dt.date | None:
        """The day of the final occurrence, or None for a rule without end."""
        if not self.rule:
            return day_of(self.start)
        parts = dict(self.rule)
        if "UNTIL" not in parts and "COUNT" not in parts:
            return None
        final = self._starts.last()
        return day_of(localize(final, self.tz)) if final else None

    def occurrences(self, event, first: dt.date, last: dt.date) -> list[Occurrence]:
        """Every occurrence touching days first..last, with cancellations and moves."""
        # Look a little before `first` for slots moved into the window.
        reach = dt.timedelta(days=max(31, self.duration.days + 1))
        moves = dict(self.moves)
        result = []
        for slot in self.slots(first - reach, last + reach):
            day = day_of(slot)
            if day in self.excluded:
                continue
            start, moved = slot, False
            if day in moves:
                start, moved = moved_start(slot, moves[day]), True
            end = start + self.duration
            shown_last = day_of(start) if not self.all_day else end - dt.timedelta(days=1)
            if day_of(start) > last or max(day_of(start), shown_last) < first:
                continue
            result.append(
                Occurrence(
                    event=event,
                    start=start,
                    end=end,
                    original_start=slot,
                    cancelled=self.cancelled or day in self.cancelled_days,
                    moved=moved,
                )
            )
        return result


class RuleStarts:
    """A rule's starts, generated once in order and kept, so that many small
    queries (is this day a slot? which slots this month?) each cost a binary
    search instead of a walk from DTSTART, as `rrule.between` does."""

    def __init__(self, rule):
        self._iterator = iter(rule)
        self.known: list = []
        self.complete = False

    def _extend_to(self, moment) -> None:
        """Generate starts until one at or after `moment` is known (or the rule ends)."""
        while not self.complete and (not self.known or self.known[-1] < moment):
            try:
                self.known.append(next(self._iterator))
            except StopIteration:
                self.complete = True

    def between(self, lo, hi) -> list:
        """Like rrule.between(lo, hi, inc=True)."""
        self._extend_to(hi)
        return self.known[bisect_left(self.known, lo) : bisect_right(self.known, hi)]

    def any_between(self, lo, hi) -> bool:
        self._extend_to(lo)
        index = bisect_left(self.known, lo)
        return index < len(self.known) and self.known[index] <= hi

    def last(self):
        """The final start (only call for a rule with UNTIL or COUNT)."""
        self.known.extend(self._iterator)
        self.complete = True
        return self.known[-1] if self.known else None


def day_of(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def moved_start(slot, target):
    """A move to a date keeps the time; a move to a date and time is exact."""
    if isinstance(slot, dt.datetime) and not isinstance(target, dt.datetime):
        return dt.datetime.combine(target, slot.timetz())
    if not isinstance(slot, dt.datetime) and isinstance(target, dt.datetime):
        return target.date()
    return localize(target, slot.tzinfo) if isinstance(slot, dt.datetime) else target


def until_utc(value: str, all_day: bool, zone: ZoneInfo = DEFAULT_TZ) -> str:
    """Editors write UNTIL=20161231; RFC 5545 wants UTC when DTSTART has a zone."""
    day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if all_day:
        return day.strftime("%Y%m%d")
    if value.endswith("Z"):
        return value
    if "T" in value:
        local = dt.datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
    else:
        local = dt.datetime.combine(day, dt.time(23, 59, 59), zone)
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def build_schedule(values: dict, settings: dict) -> Schedule:
    """A Schedule from checked header values (see schema.SCHEMAS['event'])."""
    zone = site_zone(settings)
    start = localize(values["start"], zone)
    all_day = not isinstance(start, dt.datetime)
    if "end" in values:
        end = localize(values["end"], zone)
        if all_day:
            end = end + dt.timedelta(days=1)  # inclusive last day -> exclusive
    elif all_day:
        end = start + dt.timedelta(days=1)
    else:
        end = start + dt.timedelta(minutes=settings.get("DEFAULT_EVENT_MINUTES", 120))
    rule = None
    if "repeat" in values:
        parts = dict(values["repeat"])
        if "UNTIL" in parts:
            parts["UNTIL"] = until_utc(parts["UNTIL"], all_day, zone)
        rule = tuple(parts.items())
    schedule = Schedule(
        start=start,
        end=end,
        rule=rule,
        moves=tuple((old, localize(new, zone)) for old, new in values.get("moved", ())),
        cancelled=values.get("status") == "cancelled",
        zone=zone.key,
    )
    return replace(
        schedule,
        excluded=tuple(expand_days(schedule, values.get("except", ()))),
        cancelled_days=tuple(expand_days(schedule, values.get("cancelled", ()))),
    )


def expand_days(schedule: Schedule, items) -> list[dt.date]:
    """Single dates stay; a range 'a .. b' becomes the slot days inside it."""
    days = []
    for item in items:
        if isinstance(item, tuple):
            days.extend(day_of(slot) for slot in schedule.slots(*item))
        else:
            days.append(item)
    return sorted(set(days))


def event_problems(values: dict, settings: dict) -> list[tuple[str, str]]:
    """(key, Danish message) for every timing mistake in an event's header."""
    problems = []
    start, end = values["start"], values.get("end")
    timed = isinstance(start, dt.datetime)
    if end is not None:
        if isinstance(end, dt.datetime) != timed:
            problems.append(
                ("End", "Start og End skal begge have klokkeslæt, eller begge være uden (heldagsaktivitet).")
            )
            return problems
        if end < start or (timed and end == start):
            problems.append(
                ("End", f"Aktiviteten slutter ({format_value(end)}) før den begynder ({format_value(start)}).")
            )
            return problems
    schedule = build_schedule(values, settings)
    first = day_of(schedule.start)
    if schedule.rule and not schedule.has_slot(first, first + dt.timedelta(days=366 * CHECK_HORIZON_YEARS)):
        problems.append(("Repeat", "Gentagelsen giver ingen datoer efter Start. Tjek UNTIL og BYDAY."))
        return problems
    seen: dict[dt.date, str] = {}
    for key in ("except", "cancelled"):
        for item in values.get(key, ()):
            name = key.capitalize()
            days = [item] if not isinstance(item, tuple) else None
            if days is None:
                if not schedule.has_slot(*item):
                    problems.append((name, f"Perioden {item[0]} .. {item[1]} har ingen dage med aktiviteten."))
                continue
            for day in days:
                if not schedule.is_slot_day(day):
                    problems.append((name, not_a_slot(schedule, day)))
                elif day in seen:
                    problems.append((name, f"{day} står både i {seen[day]} og {name}."))
                seen.setdefault(day, name)
    for old, new in values.get("moved", ()):
        if not schedule.is_slot_day(old):
            problems.append(("Moved", not_a_slot(schedule, old)))
        elif old in seen:
            problems.append(("Moved", f"{old} står også i {seen[old]}. En dato kan ikke både flyttes og aflyses."))
        if isinstance(new, dt.datetime) and not timed:
            problems.append(("Moved", "En heldagsaktivitet flyttes til en dato uden klokkeslæt."))
    return problems


def not_a_slot(schedule: Schedule, day: dt.date) -> str:
    near = schedule.slots(day - dt.timedelta(days=7), day + dt.timedelta(days=7))
    hint = ", ".join(str(day_of(s)) for s in near[:4])
    weekday = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"][day.weekday()]
    message = f"{day} ({weekday}) er ikke en dag, hvor aktiviteten finder sted."
    return message + (f" Nærmeste dage: {hint}." if hint else "")


def format_value(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)


def expand(events, first: dt.date, last: dt.date, known: Expansions | None = None) -> Timeline:
    """All occurrences of all events on days first..last, in time order (taken from `known` where it can)."""
    found = [
        occ
        for event in events
        for occ in (known.occurrences(event, first, last) if known else event.schedule.occurrences(event, first, last))
    ]
    return Timeline(sorted(found, key=lambda occ: occ.sort_key))


class Timeline(list):
    """Occurrences in time order, as `expand` gives them (and never changed after): `on_days` finds a
    few days' worth by binary search instead of reading them all."""

    @cached_property
    def first_days(self) -> list[dt.date]:
        return [occ.day for occ in self]  # in order too: a later start never falls on an earlier day

    @cached_property
    def longest(self) -> dt.timedelta:
        return max((occ.last_day - occ.day for occ in self), default=dt.timedelta(0))


def on_days(occurrences: list[Occurrence], first: dt.date, last: dt.date) -> list[Occurrence]:
    """Those of `occurrences` on any day first..last, in their order. In a Timeline, only those starting
    from `first` less the longest one's length are looked at."""
    if isinstance(occurrences, Timeline):
        days = occurrences.first_days
        occurrences = occurrences[bisect_left(days, first - occurrences.longest) : bisect_right(days, last)]
    return [occ for occ in occurrences if occ.day <= last and occ.last_day >= first]


class Expansions:
    """Each schedule's occurrences over a window, kept from one build to the next: stepping dateutil
    through tens of thousands of weekly dates is most of reading the calendar. Keyed by the
    schedule's repr (every field, time zones included) and the window; the timings are plain data."""

    def __init__(self, earlier: dict | None = None):
        self.earlier = earlier or {}
        self.used: dict[str, tuple] = {}  # this build's: what the next one may take

    def occurrences(self, event, first: dt.date, last: dt.date) -> list[Occurrence]:
        key = f"{event.schedule!r} {first} {last}"
        timings = self.earlier.get(key)
        if timings is None:
            found = event.schedule.occurrences(event, first, last)
            timings = tuple((o.start, o.end, o.original_start, o.cancelled, o.moved) for o in found)
        self.used[key] = timings
        stamp = hashlib.sha256(key.encode()).digest()
        return [
            Occurrence(event, *timing, stamp=(stamp, place.to_bytes(4, "big"))) for place, timing in enumerate(timings)
        ]

    @property
    def changed(self) -> bool:
        return self.used.keys() != self.earlier.keys()
