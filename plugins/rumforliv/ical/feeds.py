"""iCal feeds: pure functions from events to icalendar objects and bytes.

What Google Calendar, Apple Calendar, Outlook and Thunderbird accept from a
subscription feed (RFC 5545 and 7986, and what their users reported), and so
the rules this module keeps (tests/test_feeds.py checks each):
- UID: permanent, `<slug>@SITE_HOST` (`<slug>.<lang>@...` in a language's
  feed), never from the title; a changed UID duplicates every event for
  every subscriber. DTSTAMP, SEQUENCE and LAST-MODIFIED come from the
  content's revision history (`revisioner.json`), never the clock: SEQUENCE
  rises when time, rule, exceptions, status or location change (Google
  updates an event only then), and two builds of the same content give the
  same bytes.
- Time zone: one VTIMEZONE with exactly one STANDARD and one DAYLIGHT rule
  (yearly, last Sunday of March and October; no RDATE, which Outlook
  misreads), every time with its TZID; no floating times (Google reads them
  as UTC). An editor's UNTIL=20161231 becomes the end of that local day in
  UTC, as RFC 5545 wants beside a zoned DTSTART.
- Rules stay RRULEs, never expanded (Google rejects feeds over about 1 MB;
  one-off events that ended more than a year ago are left out of the
  shared feeds). EXDATE, in DTSTART's exact form, silently skips a date.
- A cancelled or moved occurrence is a complete override (same UID,
  RECURRENCE-ID = the original start, all text repeated) with
  STATUS:CANCELLED where called off (struck through in Apple and
  Thunderbird, hidden by Google). Outlook cannot show two instances of one
  series on a day: such a move becomes an EXDATE and a one-off event.
- All-day events are VALUE=DATE with an exclusive DTEND.
- DESCRIPTION is plain text (HTML shows as tags in Apple and Thunderbird);
  the event's page goes in URL.
- No METHOD (a subscription is a snapshot); NAME and X-WR-CALNAME distinct
  per feed; REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL written out
  (icalendar writes neither validly itself).
- Lines end in CRLF, at most 75 octets, folded by icalendar (never inside a
  UTF-8 character). Subset feeds (estate, focus area, one event) hold the
  main feed's VEVENTs byte for byte.

Hosting: serve `*.ics` as `text/calendar; charset=utf-8` and do not gzip
them (several calendar clients cannot read compressed feeds).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rumforliv.build import memo
from rumforliv.build.memo import source_digest
from rumforliv.build.store import KeptBytes, Write
from rumforliv.build.trust import code_fingerprint
from rumforliv.calendar.recurrence import CHECK_HORIZON_YEARS, UTC, day_of, moved_start
from rumforliv.wording.catalogues import translate
from rumforliv.wording.text import slugify

if TYPE_CHECKING:
    from icalendar import Calendar, Event, Timezone
# icalendar is imported where it is used (30 ms): the build's own process only hands the feeds to a child
# of their own (parallel.early), and a rebuild that changed no event serialises nothing.

REFRESH = dt.timedelta(hours=12)  # a hint: Google refreshes every 8-24 h anyway
# One-off events that ended longer ago than this are left out of the shared
# feeds (size: Google rejects feeds over ~1 MB). Series are always kept.
PAST_DAYS = 365
# The revision history, relative to the content folder, committed with the
# content: slug -> {"hash": schedule_hash(), "sequence": n, "modified":
# "YYYYMMDDTHHMMSSZ"}. The build raises `sequence` and sets `modified` to
# SITE_TODAY 00:00 UTC when an event's hash changes; editors commit the file
# with their change. A missing file starts every event at SEQUENCE 0. The
# content check reads only *.md, and the file is not a static path, so it is
# neither checked nor published.
REVISIONS_FILE = "kalender/revisioner.json"
# Written into that file (JSON has no comments), for the editors who see it change.
REVISIONS_NOTE = (
    "Skrives af bygningen: kalender-apps opdaterer en aktivitet, når dens nummer (sequence) stiger. "
    "Læg filen med i git sammen med din ændring. Ret den ikke i hånden."
)


# --- Revisions: SEQUENCE and LAST-MODIFIED from the content ------------------


@dataclass(frozen=True)
class Revision:
    """How often an event's schedule has changed, and when it last did."""

    sequence: int
    modified: dt.datetime  # UTC; also the DTSTAMP


def midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), UTC)


def revision_key(event) -> str:
    """'lektiecafe' (or 'lektiecafe.en' for a translation): the UID before '@'."""
    return event.uid.split("@", 1)[0]


def schedule_hash(event) -> str:
    """sha256 of what subscribers must be told about: time, rule, exceptions, status, location."""
    s = event.schedule
    fields = {
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "rule": s.rrule_text,
        "except": [d.isoformat() for d in s.excluded],
        "cancelled": [d.isoformat() for d in s.cancelled_days],
        "moved": [[old.isoformat(), new.isoformat()] for old, new in sorted(s.moves)],
        "status": "cancelled" if s.cancelled else "confirmed",
        "location": getattr(event, "location", ""),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def load_revisions(path: Path) -> dict:
    """The stored history; a missing file means every event starts at SEQUENCE 0."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def update_revisions(stored: dict, events, today: dt.date) -> dict:
    """A new history: +1 and today's date for every event whose schedule hash changed.

    Entries of events that are gone are kept, so an event that comes back
    never falls to a lower SEQUENCE (clients ignore lower ones).
    """
    revisions = {key: dict(value) for key, value in stored.items() if isinstance(value, dict)}
    revisions["_om"] = REVISIONS_NOTE  # "_" never starts a slug
    stamp = midnight_utc(today).strftime("%Y%m%dT%H%M%SZ")
    for event in events:
        key, digest = revision_key(event), schedule_hash(event)
        old = revisions.get(key)
        if old is None:
            revisions[key] = {"hash": digest, "sequence": 0, "modified": stamp}
        elif old["hash"] != digest:
            revisions[key] = {"hash": digest, "sequence": old["sequence"] + 1, "modified": stamp}
    return revisions


def revisions_file(path: Path, revisions: dict) -> Write | None:
    """The history's new file, or None where it is unchanged (so `invoke vis`, which watches content/, does not loop)."""
    text = json.dumps(revisions, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    return Write(str(path.resolve()), text.encode("utf-8"), in_output=False)


REVISIONS = "ical_revisions"  # the context key of this build's (stored, updated) revision history


def revisions_for(context: dict, settings: dict) -> tuple[dict, dict]:
    """The stored history and this build's, worked out once for every feed (the file is written only
    in the output phase, so the language feeds cannot read the new one from it)."""
    if REVISIONS not in context:
        stored = load_revisions(Path(settings["PATH"]) / REVISIONS_FILE)
        context[REVISIONS] = (stored, update_revisions(stored, context["events"], settings["TODAY"]))
    return context[REVISIONS]


def revision_of(revisions: dict, event, today: dt.date) -> Revision:
    entry = revisions.get(revision_key(event))
    if entry is None:
        return Revision(0, midnight_utc(today))
    return Revision(entry["sequence"], parse_stamp(entry["modified"]))


@functools.cache
def parse_stamp(text: str) -> dt.datetime:
    """'YYYYMMDDTHHMMSSZ' in UTC. Every feed asks for every event's revision, and few dates recur."""
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


# --- Components --------------------------------------------------------------


@dataclass(frozen=True)
class ZoneRule:
    """One yearly change of a zone's offset, on the last Sunday of a month (as in the EU since 1996)."""

    month: int
    hour: int  # local wall-clock hour before the change
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str  # the zone's abbreviation after the change ("CEST")


RULE_YEARS = range(2013, 2038)  # the years whose changes the rules must match
HOUR = dt.timedelta(hours=1)


def last_sunday(year: int, month: int) -> dt.date:
    last = (dt.date(year, month % 12 + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def changes(zone: ZoneInfo, year: int) -> list[ZoneRule]:
    """The offset changes of `zone` in `year`: each month whose first and last offsets differ, narrowed
    down to the hour (in UTC) by halving; every build asks, so it must not step through the year."""
    found = []
    for month in range(1, 13):
        first = dt.datetime(year, month, 1, tzinfo=UTC)
        hours = int(((first + dt.timedelta(days=32)).replace(day=1) - first) / HOUR)
        before = first.astimezone(zone).utcoffset()
        if (first + hours * HOUR).astimezone(zone).utcoffset() == before:
            continue
        low, high = 0, hours  # the offset is `before` at `low` hours in, another at `high`
        while high - low > 1:
            middle = (low + high) // 2
            if (first + middle * HOUR).astimezone(zone).utcoffset() == before:
                low = middle
            else:
                high = middle
        local = (first + high * HOUR).astimezone(zone)
        wall = (first + high * HOUR + before).replace(tzinfo=None)
        found.append(ZoneRule(wall.month, wall.hour, before, local.utcoffset(), local.tzname()))
        if wall.date() != last_sunday(year, wall.month):
            raise ValueError(f"{zone.key} changes on {wall.date()}, not a month's last Sunday")
    return found


@functools.cache
def zone_rules(tzid: str) -> tuple[ZoneRule, ...]:
    """The zone's yearly rules, checked against the time zone database for every year of RULE_YEARS: a
    feed's VTIMEZONE is these rules (Outlook reads no other kind well), so they must say what zoneinfo says."""
    zone = ZoneInfo(tzid)
    rules = tuple(changes(zone, RULE_YEARS[0]))
    for year in RULE_YEARS:
        if tuple(changes(zone, year)) != rules:
            raise ValueError(f"{tzid} does not change its offset by the same rule every year")
    return rules


def timezone_component(tzid: str) -> Timezone:
    """The site's zone (TIMEZONE) as yearly rules: what Outlook reads correctly (no RDATE)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", tzid)
    zone.add("x-lic-location", tzid)
    rules = zone_rules(tzid)
    if not rules:  # no summer time: one STANDARD, always
        standard = TimezoneStandard()
        offset = dt.datetime(RULE_YEARS[0], 1, 1, tzinfo=ZoneInfo(tzid))
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset.utcoffset())
        standard.add("tzoffsetto", offset.utcoffset())
        standard.add("tzname", offset.tzname())
        zone.add_component(standard)
        return zone
    for rule in sorted(rules, key=lambda rule: rule.offset_to > rule.offset_from):  # STANDARD first
        part = TimezoneDaylight() if rule.offset_to > rule.offset_from else TimezoneStandard()
        part.add("dtstart", dt.datetime.combine(last_sunday(1970, rule.month), dt.time(rule.hour)))
        part.add("tzoffsetfrom", rule.offset_from)
        part.add("tzoffsetto", rule.offset_to)
        part.add("tzname", rule.name)
        part.add("rrule", {"FREQ": "YEARLY", "BYMONTH": rule.month, "BYDAY": "-1SU"})
        zone.add_component(part)
    return zone


def site_base(settings: dict) -> str:
    """Feeds are read outside the site, so links are absolute."""
    return (settings.get("SITEURL") or settings.get("PUBLISH_SITEURL", "")).rstrip("/")


def description(event) -> str:
    """Plain text (HTML shows as raw tags in Apple Calendar and Thunderbird); who to ask last."""
    lang = getattr(event, "lang", "da")  # a translation's labels in its own language (i18n catalogues)
    who = [
        f"{label}: {value}"
        for label, value in (
            (translate(lang, "Arrangør"), getattr(event, "organizer", None)),
            (translate(lang, "Kontakt"), getattr(event, "contact", None)),
        )
        if value
    ]
    return "\n\n".join(part for part in (getattr(event, "description", ""), "\n".join(who)) if part)


def about(event, settings, revision: Revision) -> Event:
    """What every VEVENT of `event` says alike (what, where, which revision), made once per event: its
    components share these values, and `ical` serialises each of them once."""
    from icalendar import Event

    shared = Event()
    shared.add("dtstamp", revision.modified)
    shared.add("summary", event.title)
    shared.add("location", event.location)
    shared.add("description", description(event))
    shared.add("url", f"{site_base(settings)}/{event.url}")
    if getattr(event, "category", None):
        shared.add("categories", [event.category.name])
    shared.add("sequence", revision.sequence)
    shared.add("last-modified", revision.modified)
    return shared


def vevent(shared: Event, uid: str, start, end, cancelled: bool) -> Event:
    """One VEVENT with everything a client shows (`shared`: `about` the event), so overrides are complete."""
    from icalendar import Event

    component = Event(shared)
    component.add("uid", uid)
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return component


def first_slot(schedule):
    """DTSTART must be the first occurrence: RFC 5545 clients count DTSTART even
    when the rule skips it (Start on a Sunday, BYDAY=MO); the site does not."""
    day = day_of(schedule.start)
    for years in (1, CHECK_HORIZON_YEARS):
        slots = schedule.slots(day, day + dt.timedelta(days=366 * years))
        if slots:
            return slots[0]
    return schedule.start  # the content check rejects a rule without dates


def slot_on(schedule, day: dt.date):
    """The rule's start on `day` (its exact form: datetime with zone, or date)."""
    return schedule.slots(day, day)[0]


def event_components(event, settings, revision: Revision | None = None) -> list[Event]:
    """The master VEVENT, its overrides and split-off moves, in a stable order."""
    from icalendar import vRecur

    revision = revision or Revision(0, midnight_utc(settings["TODAY"]))
    shared = about(event, settings, revision)
    schedule = event.schedule
    if not schedule.rule:
        return one_off_components(event, shared)
    first = first_slot(schedule)
    master = vevent(shared, event.uid, first, first + schedule.duration, schedule.cancelled)
    master.add("rrule", vRecur.from_ical(schedule.rrule_text))
    exdates = [slot_on(schedule, day) for day in schedule.excluded]
    overrides, split_off = [], []
    for day in schedule.cancelled_days:
        slot = slot_on(schedule, day)
        overrides.append(override(event, shared, slot, slot, True))
    occupied = set()
    for old, new in sorted(schedule.moves):
        slot = slot_on(schedule, old)
        start = moved_start(slot, new)
        target = day_of(start)
        if target != old and (target in occupied or has_instance(schedule, target)):
            # Outlook cannot show two instances of one series on one day.
            exdates.append(slot)
            uid = event.uid.replace("@", f"+{old:%Y%m%d}@", 1)
            split_off.append(vevent(shared, uid, start, start + schedule.duration, schedule.cancelled))
            continue
        occupied.add(target)
        overrides.append(override(event, shared, slot, start, schedule.cancelled))
    for slot in sorted(exdates, key=sort_value):
        master.add("exdate", slot)
    overrides.sort(key=lambda c: sort_value(c.decoded("recurrence-id")))
    return [master, *overrides, *split_off]


def has_instance(schedule, day: dt.date) -> bool:
    """Does the series still take place on `day` (a slot neither skipped nor moved away)?"""
    moved_away = {old for old, _ in schedule.moves}
    return schedule.is_slot_day(day) and day not in schedule.excluded and day not in moved_away


def override(event, shared: Event, slot, start, cancelled: bool) -> Event:
    component = vevent(shared, event.uid, start, start + event.schedule.duration, cancelled)
    component.add("recurrence-id", slot)
    return component


def one_off_components(event, shared: Event) -> list[Event]:
    """A single event: its Moved/Cancelled/Except apply to the event itself."""
    schedule = event.schedule
    day = day_of(schedule.start)
    if day in schedule.excluded:
        return []  # nothing takes place; the site shows nothing either
    moves = dict(schedule.moves)
    start = moved_start(schedule.start, moves[day]) if day in moves else schedule.start
    cancelled = schedule.cancelled or day in schedule.cancelled_days
    return [vevent(shared, event.uid, start, start + schedule.duration, cancelled)]


def sort_value(value) -> dt.datetime:
    """Slots of one schedule in order (all dates, or all times: a date counts from midnight UTC)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(), UTC)


# --- Calendars ---------------------------------------------------------------


def feed_name(settings: dict, subset: str | None = None) -> str:
    """'Rum for Liv' or 'Rum for Liv · Lukretiavej': distinct in every calendar app.

    NAME and X-WR-CALNAME are TEXT: vobject cuts an escaped comma's name there and ical.js shows the
    backslash, so a comma or semicolon ("Beboernetværk, inddragelse og demokrati") becomes a dash."""
    return calendar_name(f"{settings['SITENAME']} · {subset}" if subset else settings["SITENAME"])


TEXT_SEPARATORS = re.compile(r"\s*[,;]\s*")


def calendar_name(name: str) -> str:
    return TEXT_SEPARATORS.sub(" – ", name).strip(" –")


def for_audience(audience: str):
    """Activities for everyone ("alle", or no audience given) count for every audience."""

    def matches(event) -> bool:
        audiences = getattr(event, "audiences", None) or ()
        return audience in audiences or "alle" in audiences or not audiences

    return matches


AUDIENCE_FEEDS = (
    "kalender/maalgruppe"  # /kalender/maalgruppe/<audience>.ics; by estate /kalender/afdeling/<estate>/<audience>.ics
)


def calendar_head(name: str, settings: dict) -> Calendar:
    """The feed's own properties, without components."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", settings["CALENDAR_PRODID"])
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings["TIMEZONE"])
    # icalendar would write these without VALUE=DURATION / as "12:00:00".
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    return calendar


def assemble(name: str, components, settings: dict) -> Calendar:
    """A feed as an icalendar object, for inspection; `feed_ical` writes the same bytes faster."""
    calendar = calendar_head(name, settings)
    calendar.add_component(timezone_component(settings["TIMEZONE"]))
    for component in components:
        calendar.add_component(component)
    return calendar


def build_calendar(events, settings, name: str, revisions: dict | None = None) -> Calendar:
    """One feed of `events` (already chosen; drafts never belong here)."""
    today = settings["TODAY"]
    components = [
        component
        for event in sorted(events, key=lambda e: e.uid)
        for component in event_components(event, settings, revision_of(revisions or {}, event, today))
    ]
    return assemble(name, components, settings)


# --- Bytes -------------------------------------------------------------------
# An event sits in up to ~10 feeds (main, estates, category, its own, and so
# on); building and folding its VEVENTs for each was half of a cold build. So
# each event is serialised once, and a feed is its head, the zone and those
# bytes: exactly what Calendar.to_ical() writes for the same components.
# The language feeds take the same lines with other UIDs (`under_uid`), and
# a rebuild takes them from the cache of the last one (`Serialiser`).

END = b"END:VCALENDAR\r\n"
# icalendar folds a content line from 75 octets on (RFC 5545: at most 75 per line).
UNFOLDED_MAX = 74


def ical(component, lines: dict | None = None) -> bytes:
    """component.to_ical(), line by line: lines end in CRLF and long ones are folded by icalendar itself
    (Contentline.to_ical); a short line, most of them, needs no fold. The tests compare with to_ical().

    `lines` keeps each line by its value object: components that share values (`about`) pass the
    same dict, and each shared line is made once."""
    lines = {} if lines is None else lines
    result = []
    for name, value in component.property_items():
        known = lines.get(id(value))
        if known is None or known[0] is not value or known[1] != name:  # the value is kept: its id stays its own
            known = lines[id(value)] = (value, name, content_line(component.content_line(name, value)))
        result.append(known[2])
    return b"".join(result)


def content_line(line: str) -> bytes:
    """One content line as bytes with its CRLF, folded where icalendar would fold it."""
    data = line.encode("utf-8")
    return (data if len(data) <= UNFOLDED_MAX else line.to_ical()) + b"\r\n"


def event_ical(event, settings, revision: Revision) -> bytes:
    """The one place an event is serialised: its VEVENTs, as every feed holds them."""
    return serialised(event_components(event, settings, revision), {})


def serialised(components: list, lines: dict) -> bytes:
    return b"".join(ical(component, lines) for component in components)


def under_uid(components: list, old: str, new: str) -> list:
    """The components of an event with UID `old` as another feed holds them under UID `new` (a split-off
    move's `<slug>+<day>@host` likewise): the same value objects, so `ical` makes only the UID lines anew."""
    from icalendar import vText

    result = []
    for component in components:
        clone = component.copy()
        clone["UID"] = vText(split_off_uid(str(component["UID"]), old, new))
        result.append(clone)
    return result


@functools.cache
def timezone_ical(tzid: str) -> bytes:
    """The VTIMEZONE never changes (no content in it), so it is folded once."""
    return ical(timezone_component(tzid))


def feed_ical(name: str, events: list[bytes], settings: dict) -> bytes:
    """A whole feed from serialised events (from `event_ical`), in the given order."""
    before, after = head_around_name(settings["CALENDAR_PRODID"], settings["TIMEZONE"])
    return before + name_lines(name) + after + timezone_ical(settings["TIMEZONE"]) + b"".join(events) + END


def name_lines(name: str) -> bytes:
    """The head's NAME and X-WR-CALNAME lines: all that differs between the feeds' heads (as
    `calendar_head` adds them: text without parameters; the tests compare the whole feed)."""
    from icalendar import Calendar
    from icalendar.parser import Contentline

    value_type = Calendar.types_factory.for_property  # the type `add` gives them (no escaping: not TEXT to icalendar)
    return b"".join(
        content_line(Contentline(f"{key}:{value_type(key)(name).to_ical().decode('utf-8')}"))
        for key in ("NAME", "X-WR-CALNAME")
    )


@functools.cache
def head_around_name(prodid: str, tzid: str) -> tuple[bytes, bytes]:
    """The head's bytes before and after its name lines (without END:VCALENDAR), serialised once.

    icalendar writes the two name lines together (Calendar.canonical_order);
    if it ever did not, the split fails loudly rather than writing a wrong head.
    """
    head = ical(calendar_head("-", {"CALENDAR_PRODID": prodid, "TIMEZONE": tzid}))
    before, after = head.split(name_lines("-"))
    assert after.endswith(END)
    return before, after[: -len(END)]


def feed_file(relative: str, name: str, events: list[bytes], settings: dict) -> Write | None:
    """One .ics file of `events` (serialised), or None where the last build's stays (same name and events)."""
    page_memo = settings.get(memo.SETTING)
    key = page_memo.file_key(relative, name.encode(), *events) if page_memo else None
    if key and page_memo.reuse(relative, key):
        return None
    return Write(relative, feed_ical(name, events, settings), key)


def is_recent(event, today: dt.date, past_days: int = PAST_DAYS) -> bool:
    """Series always count; a one-off only if it ended within `past_days`."""
    schedule = event.schedule
    if schedule.rule:
        return True
    last_day = day_of(
        schedule.end - dt.timedelta(microseconds=1) if not schedule.all_day else schedule.end - dt.timedelta(days=1)
    )
    moved = [day_of(new) for _, new in schedule.moves]
    return max([last_day, *moved]) >= today - dt.timedelta(days=past_days)


def recent_events(events, settings) -> list:
    """The events the shared feeds hold (Danish and each language's): series, and recent one-offs."""
    return [e for e in events if is_recent(e, settings["TODAY"], settings.get("FEED_PAST_DAYS", PAST_DAYS))]


def feeds(events, settings) -> dict[str, tuple[str, list]]:
    """Output path -> (feed name, events in it), for the default language."""
    shared = recent_events(events, settings)
    result = {"kalender.ics": (feed_name(settings), shared)}
    for estate in settings["ESTATES"]:
        chosen = [e for e in shared if estate in e.estates]
        result[f"kalender/afdeling/{slugify(estate, settings)}.ics"] = (feed_name(settings, estate), chosen)
    for category in settings["CATEGORIES"]:
        chosen = [e for e in shared if getattr(e, "category", None) and e.category.name == category]
        result[f"kalender/kategori/{slugify(category, settings)}.ics"] = (feed_name(settings, category), chosen)
    for audience in settings["AUDIENCES"]:
        matches, slug = for_audience(audience), slugify(audience, settings)
        chosen = [e for e in shared if matches(e)]
        result[f"{AUDIENCE_FEEDS}/{slug}.ics"] = (feed_name(settings, f"for {audience}"), chosen)
        for estate in settings["ESTATES"]:
            here = [e for e in chosen if estate in e.estates]
            path = f"kalender/afdeling/{slugify(estate, settings)}/{slug}.ics"
            result[path] = (feed_name(settings, f"{estate} for {audience}"), here)
    for event in events:
        result[event_feed_path(event)] = (feed_name(settings, event.title), [event])
    return result


def event_feed_path(event) -> str:
    """/kalender/<slug>/ -> /kalender/<slug>.ics (translations under their /<lang>/)."""
    return event.url.rstrip("/") + ".ics"


def feed_files(context, settings) -> list[Write]:
    """/kalender.ics and its subsets, and the revision history brought up to date.

    A translation shares its Danish event's times (i18n checks this), so it
    also shares its revision; /<lang>/kalender.ics (languages.py) does the same.
    """
    today = settings["TODAY"]
    events = list(context["events"])
    path = Path(settings["PATH"]) / REVISIONS_FILE
    stored, revisions = revisions_for(context, settings)
    made = [revisions_file(path, revisions)] if revisions != stored else []  # as a rule they are the same
    versions = [(event, event) for event in events]
    versions += [(translation, event) for event in events for translation in getattr(event, "translations", [])]
    serialiser = serialiser_for(context, settings)
    serialised = {
        shown.uid: serialiser.ical(shown, original, revision_of(revisions, original, today))
        for shown, original in versions
    }
    made.append(serialiser.save())
    targets = feeds(events, settings)
    for shown, _original in versions[len(events) :]:
        targets[event_feed_path(shown)] = (feed_name(settings, shown.title), [shown])
    for relative, (name, chosen) in sorted(targets.items()):
        chosen = sorted(chosen, key=lambda e: e.uid)
        made.append(feed_file(relative, name, [serialised[event.uid] for event in chosen], settings))
    return [write for write in made if write is not None]


# --- Serialised events across feeds and builds ---------------------------------
# The language feeds (languages.py) reuse this build's bytes, and with
# CACHE_CONTENT a rebuild reuses the last build's: folding is most of a feed's cost.

CACHE_FILE = "ical-events.pickle"  # in CACHE_PATH: a store of bytes (build.store)
CACHE_FORMAT = 1  # in every key: raise it when the serialisation changes in a way the code digest would miss
SERIALISER = "ical_serialiser"  # the context key under which one build's feeds share a Serialiser


@functools.cache
def icalendar_version() -> str:
    """From the package's metadata: importing icalendar itself takes a rebuild's feeds a twentieth of a second."""
    return importlib.metadata.version("icalendar")


def serialisation_key(shown, original, revision: Revision, settings: dict, under: str | None = None) -> str:
    """SHA-256 of everything `event_ical(shown, settings, revision)` reads.

    The sources and the code would be enough; the values as read (title,
    description, URL, schedule ...) are added because they also depend on
    settings (Markdown, URL patterns, catalogues) and cost little to hash.
    """
    category = getattr(shown, "category", None)
    parts = [
        CACHE_FORMAT,
        code_fingerprint(),
        icalendar_version(),
        source_digest(shown),
        source_digest(original),
        revision.sequence,
        revision.modified.isoformat(),
        shown.uid,
        getattr(shown, "lang", None),
        site_base(settings),
        settings.get("SITE_HOST"),
        settings.get("TIMEZONE"),
        shown.url,
        shown.title,
        shown.location,
        description(shown),
        category.name if category else None,
        repr(shown.schedule),
        under,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


class Serialiser:
    """`event_ical` with a memory: each version once per build, and across builds by key (build.store)."""

    def __init__(self, settings: dict):
        self.settings = settings
        path = Path(settings["CACHE_PATH"]) / CACHE_FILE if settings.get("CACHE_CONTENT") else None
        self.kept = KeptBytes(path, settings.get("LOAD_CONTENT_CACHE", True))
        self.built: dict[int, tuple] = {}  # id(shown) -> (shown, revision, bytes), within this build
        self.parts: dict[int, tuple] = {}  # id(event) -> (event, revision, components, lines), within this build
        self.hits = self.misses = 0

    def ical(self, shown, original, revision: Revision, under: str | None = None) -> bytes:
        """event_ical(shown, ...) with `original`'s revision, from memory where the key matches; with `under`,
        `shown` (the Danish event) as another feed holds it under that UID."""
        known = self.built.get(id(shown)) if under is None else None
        if known is not None and known[0] is shown and known[1] == revision:
            return known[2]
        key = serialisation_key(shown, original, revision, self.settings, under)
        data = self.kept.get(key)
        if data is None:
            self.misses += 1
            components, lines = self.components(shown, revision)
            data = serialised(under_uid(components, shown.uid, under) if under else components, lines)
            self.kept.put(key, data)
        else:
            self.hits += 1
        if under is None:
            self.built[id(shown)] = (shown, revision, data)
        return data

    def components(self, event, revision: Revision) -> tuple[list, dict]:
        """The event's components and their serialised lines, made once per build for all its UIDs."""
        known = self.parts.get(id(event))
        if known is None or known[0] is not event or known[1] != revision:
            known = self.parts[id(event)] = (event, revision, event_components(event, self.settings, revision), {})
        return known[2], known[3]

    def save(self) -> Write | None:
        """This build's entries for the cache file, only when they differ from the file's."""
        return self.kept.saved()


def serialiser_for(context: dict, settings: dict) -> Serialiser:
    """The build's one Serialiser: the Danish feeds make it, the language feeds reuse it."""
    if SERIALISER not in context:
        context[SERIALISER] = Serialiser(settings)
    return context[SERIALISER]


def split_off_uid(value: str, old: str, new: str) -> str:
    """`new` where `value` is `old`, and its split-off form where `value` is `old`'s."""
    if value == old:
        return new
    match = re.fullmatch(r".*\+(\d{8})@.*", value)
    if match and value == old.replace("@", f"+{match[1]}@", 1):
        return new.replace("@", f"+{match[1]}@", 1)
    raise ValueError(f"{value} is no UID of {old}")
