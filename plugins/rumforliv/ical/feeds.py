"""iCal feeds: pure functions from events to icalendar objects, one writer.

Every rule here comes from /work/shared/notes/calendar-feeds.md (what real
calendar clients accept). In short: a permanent UID per event, one
Outlook-friendly VTIMEZONE, rules kept as RRULEs (never expanded), EXDATE for
silent skips, complete RECURRENCE-ID overrides for cancelled and moved
occurrences, and SEQUENCE / LAST-MODIFIED / DTSTAMP taken from the content's
revision history (`revisioner.json`), never from the clock, so two builds of
the same content give byte-identical feeds.

Hosting: serve `*.ics` as `text/calendar; charset=utf-8` and do not gzip
them (several calendar clients cannot read compressed feeds).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import io
import json
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rumforliv.build import memo
from rumforliv.build.memo import source_digest, write_whole
from rumforliv.build.trust import code_fingerprint
from rumforliv.calendar.recurrence import CHECK_HORIZON_YEARS, TZ, UTC, day_of, moved_start
from rumforliv.wording.catalogues import translate
from rumforliv.wording.text import slugify

if TYPE_CHECKING:
    from icalendar import Calendar, Event, Timezone
# icalendar is imported where it is used (30 ms): the build's own process only hands the feeds to a child
# of their own (parallel.early), and a rebuild that changed no event serialises nothing.

TZID = "Europe/Copenhagen"
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


def save_revisions(path: Path, revisions: dict) -> None:
    """Write only on change, so `invoke serve` (which watches content/) does not loop."""
    text = json.dumps(revisions, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    write_whole(path, text.encode("utf-8"))


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


def timezone_component() -> Timezone:
    """Europe/Copenhagen as two yearly rules: what Outlook reads correctly (no RDATE)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("tzname", "CET")
    standard.add("rrule", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    daylight = TimezoneDaylight()
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("tzname", "CEST")
    daylight.add("rrule", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    zone.add_component(standard)
    zone.add_component(daylight)
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
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(), TZ)


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
    calendar.add("x-wr-timezone", TZID)
    # icalendar would write these without VALUE=DURATION / as "12:00:00".
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    return calendar


def assemble(name: str, components, settings: dict) -> Calendar:
    """A feed as an icalendar object, for inspection; `feed_ical` writes the same bytes faster."""
    calendar = calendar_head(name, settings)
    calendar.add_component(timezone_component())
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
# The language feeds take the same bytes with other UIDs (`with_uid`), and
# a rebuild takes them from the cache of the last one (`Serialiser`).

END = b"END:VCALENDAR\r\n"
# icalendar folds a content line from 75 octets on (RFC 5545: at most 75 per line).
UNFOLDED_MAX = 74


def ical(component, lines: dict | None = None) -> bytes:
    """component.to_ical(), folded by `fold` rather than by icalendar, whose fold walks every
    character of every line in Python. Lines end in CRLF, as in icalendar's
    Contentlines.to_ical; the tests compare the two.

    `lines` keeps each line by its value object: components that share values (`about`) pass the
    same dict, and each shared line is made once."""
    lines = {} if lines is None else lines
    result = []
    for name, value in component.property_items():
        known = lines.get(id(value))
        if known is None or known[0] is not value or known[1] != name:  # the value is kept: its id stays its own
            known = lines[id(value)] = (
                value,
                name,
                fold(component.content_line(name, value).encode("utf-8")) + b"\r\n",
            )
        result.append(known[2])
    return b"".join(result)


def fold(line: bytes) -> bytes:
    """RFC 5545 folding exactly as icalendar 7 folds: at most 74 octets a line, never inside a
    UTF-8 character, and an escaping backslash or caret moved to the next line with what it escapes."""
    if len(line) <= UNFOLDED_MAX:  # most lines: dates, UIDs, status
        return line
    parts, start = [], 0
    while len(line) - start > UNFOLDED_MAX:
        end = start + UNFOLDED_MAX
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        if end - start > 1 and line[end - 1] in b"\\^":
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def event_ical(event, settings, revision: Revision) -> bytes:
    """The one place an event is serialised: its VEVENTs, as every feed holds them."""
    lines = {}  # shared by the event's components
    return b"".join(ical(component, lines) for component in event_components(event, settings, revision))


@functools.cache
def timezone_ical() -> bytes:
    """The VTIMEZONE never changes (no content in it), so it is folded once."""
    return ical(timezone_component())


def feed_ical(name: str, events: list[bytes], settings: dict) -> bytes:
    """A whole feed from serialised events (from `event_ical`), in the given order."""
    before, after = head_around_name(settings["CALENDAR_PRODID"])
    return before + name_lines(name) + after + timezone_ical() + b"".join(events) + END


def name_lines(name: str) -> bytes:
    """The head's NAME and X-WR-CALNAME lines: all that differs between the feeds' heads (as
    `calendar_head` adds them: text without parameters; the tests compare the whole feed)."""
    from icalendar import Calendar

    value_type = Calendar.types_factory.for_property  # the type `add` gives them (no escaping: not TEXT to icalendar)
    return b"".join(
        fold(key.encode() + b":" + value_type(key)(name).to_ical()) + b"\r\n" for key in ("NAME", "X-WR-CALNAME")
    )


@functools.cache
def head_around_name(prodid: str) -> tuple[bytes, bytes]:
    """The head's bytes before and after its name lines (without END:VCALENDAR), serialised once.

    icalendar writes the two name lines together (Calendar.canonical_order);
    if it ever did not, the split fails loudly rather than writing a wrong head.
    """
    head = ical(calendar_head("-", {"CALENDAR_PRODID": prodid}))
    before, after = head.split(name_lines("-"))
    assert after.endswith(END)
    return before, after[: -len(END)]


def write_ical(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def write_feed(output: Path, relative: str, name: str, events: list[bytes], settings: dict) -> None:
    """One .ics file of `events` (serialised); linked from the last build if its name and events are the same."""
    page_memo = settings.get(memo.SETTING)
    key = page_memo.file_key(relative, name.encode(), *events) if page_memo else None
    if key and page_memo.reuse(relative, key):
        return
    write_ical(Path(output) / relative, feed_ical(name, events, settings))
    if key:
        page_memo.record(relative, key)


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


def write_all(context, settings, output):
    """Write /kalender.ics and its subsets into `output`; update the revision history.

    A translation shares its Danish event's times (i18n checks this), so it
    also shares its revision; /<lang>/kalender.ics (i18n.py) does the same.
    """
    today = settings["TODAY"]
    events = list(context["events"])
    path = Path(settings["PATH"]) / REVISIONS_FILE
    stored = load_revisions(path)
    revisions = update_revisions(stored, events, today)
    if revisions != stored:  # as a rule they are the same: no need to format the file to see that
        save_revisions(path, revisions)
    versions = [(event, event) for event in events]
    versions += [(translation, event) for event in events for translation in getattr(event, "translations", [])]
    serialiser = serialiser_for(context, settings)
    serialised = {
        shown.uid: serialiser.ical(shown, original, revision_of(revisions, original, today))
        for shown, original in versions
    }
    serialiser.save()
    targets = feeds(events, settings)
    for shown, _original in versions[len(events) :]:
        targets[event_feed_path(shown)] = (feed_name(settings, shown.title), [shown])
    for relative, (name, chosen) in sorted(targets.items()):
        chosen = sorted(chosen, key=lambda e: e.uid)
        write_feed(output, relative, name, [serialised[event.uid] for event in chosen], settings)


# --- Serialised events across feeds and builds ---------------------------------
# The language feeds (languages.py) reuse this build's bytes, and with
# CACHE_CONTENT a rebuild reuses the last build's: folding is most of a feed's cost.

CACHE_FILE = "ical-events.pickle"  # in CACHE_PATH: {"format": n, "entries": {key: bytes}}
CACHE_FORMAT = 1
SERIALISER = "ical_serialiser"  # the context key under which one build's feeds share a Serialiser


@functools.cache
def icalendar_version() -> str:
    """From the package's metadata: importing icalendar itself takes a rebuild's feeds a twentieth of a second."""
    return importlib.metadata.version("icalendar")


def serialisation_key(shown, original, revision: Revision, settings: dict) -> str:
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
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


class PlainUnpickler(pickle.Unpickler):
    """Loads only dicts, strings, bytes and numbers: the cache file holds nothing else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} in {CACHE_FILE}")


def load_cache(path: Path) -> dict[str, bytes]:
    """The stored entries; a missing, corrupt or foreign file is simply no cache."""
    try:
        stored = PlainUnpickler(io.BytesIO(path.read_bytes())).load()
        entries = stored["entries"] if stored.get("format") == CACHE_FORMAT else {}
    except Exception:  # any unreadable cache means starting cold
        return {}
    if not isinstance(entries, dict):
        return {}
    return {key: data for key, data in entries.items() if isinstance(key, str) and isinstance(data, bytes)}


def save_cache(path: Path, entries: dict[str, bytes]) -> None:
    """Sorted (the same entries give the same file) and atomic (a reader never sees half)."""
    write_whole(path, pickle.dumps({"format": CACHE_FORMAT, "entries": dict(sorted(entries.items()))}, protocol=4))


class Serialiser:
    """`event_ical` with a memory: each version once per build, and across builds by key."""

    def __init__(self, settings: dict):
        self.settings = settings
        use = settings.get("CACHE_CONTENT")
        self.path = Path(settings["CACHE_PATH"]) / CACHE_FILE if use else None
        load = self.path is not None and settings.get("LOAD_CONTENT_CACHE", True)
        self.stored = load_cache(self.path) if load else {}
        self.on_disk = set(self.stored)
        self.used: dict[str, bytes] = {}  # only these are saved: the cache never outgrows the content
        self.built: dict[int, tuple] = {}  # id(shown) -> (shown, revision, bytes), within this build
        self.hits = self.misses = 0

    def ical(self, shown, original, revision: Revision) -> bytes:
        """event_ical(shown, ...) with `original`'s revision, from memory where the key matches."""
        known = self.built.get(id(shown))
        if known is not None and known[0] is shown and known[1] == revision:
            return known[2]
        key = serialisation_key(shown, original, revision, self.settings)
        data = self.used.get(key, self.stored.get(key))
        if data is None:
            self.misses += 1
            data = event_ical(shown, self.settings, revision)
        else:
            self.hits += 1
        self.used[key] = data
        self.built[id(shown)] = (shown, revision, data)
        return data

    def save(self) -> None:
        """Write this build's entries, only when they differ from the file's (cheap to call again)."""
        if self.path is None or set(self.used) == self.on_disk:
            return
        save_cache(self.path, self.used)
        self.on_disk = set(self.used)


def serialiser_for(context: dict, settings: dict) -> Serialiser:
    """The build's one Serialiser: the Danish feeds make it, the language feeds reuse it."""
    if SERIALISER not in context:
        context[SERIALISER] = Serialiser(settings)
    return context[SERIALISER]


# A UID the build writes as is: no escaping, one octet per character.
PLAIN_UID = re.compile(r"[A-Za-z0-9._+@-]+")


def with_uid(data: bytes, old: str, new: str) -> bytes | None:
    """`data` (event_ical of an event with UID `old`) as written under UID `new`, or None if unsure.

    Only UID lines differ (split-off moves carry `+YYYYMMDD` before the
    '@'), so they are swapped and nothing else. Any UID line that is or
    would be folded, or that is neither form of `old`, gives None: the
    caller then serialises the event itself. (Every CRLF in `data` ends a
    line: values never hold one.)
    """
    if not (PLAIN_UID.fullmatch(old) and PLAIN_UID.fullmatch(new)):
        return None
    if data and not data.endswith(b"\r\n"):
        return None  # not whole lines
    before, *uid_lines = data.split(b"\r\nUID:")  # each then starts with its value
    swapped = [before]
    for rest in uid_lines:
        value, end, after = rest.partition(b"\r\n")
        if after[:1] in (b" ", b"\t"):
            return None  # folded: the value goes on in the next line
        uid = split_off_uid(value.decode("ascii", "replace"), old, new)
        if not uid or len(f"UID:{uid}") > UNFOLDED_MAX:
            return None
        swapped.append(uid.encode() + end + after)
    if len(uid_lines) != data.count(b"\r\nBEGIN:VEVENT\r\n") + data.startswith(b"BEGIN:VEVENT\r\n"):
        return None  # each VEVENT has exactly one UID line
    return b"\r\nUID:".join(swapped)


def split_off_uid(value: str, old: str, new: str) -> str | None:
    """`new` where `value` is `old`; its split-off form where `value` is `old`'s; else None."""
    if value == old:
        return new
    match = re.fullmatch(r".*\+(\d{8})@.*", value)
    if match and value == old.replace("@", f"+{match[1]}@", 1):
        return new.replace("@", f"+{match[1]}@", 1)
    return None
