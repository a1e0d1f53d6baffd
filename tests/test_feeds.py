"""iCal feeds: parsed back, expanded by two independent implementations, checked byte by byte.

Each check is one of the rules in the docstring of rumforliv.ical.feeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pickle
import random
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil import rrule as dtrule
from pelican import signals

from rumforliv.calendar.recurrence import build_schedule
from rumforliv.content import schema
from rumforliv.ical import feeds
from rumforliv.site import languages
from rumforliv.wording.catalogues import translate

from conftest import HOMEWORK, ROOT, TinySite

UTC = dt.UTC
CPH = ZoneInfo("Europe/Copenhagen")
HOST = "rumforliv.dk"
# The comparison window: all of 2013, across DST on 31 March and 27 October.
FIRST, AFTER = dt.date(2013, 1, 1), dt.date(2014, 1, 1)

CLUB = """
    Title: Klubaften
    Start: 2013-03-04 15:00
    End: 2013-03-04 17:00
    Repeat: FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20131231
    Except: 2013-03-25, 2013-03-27
    Cancelled: 2013-04-08
    Moved: 2013-04-15 -> 2013-04-16 16:00, 2013-04-22 -> 2013-04-24 10:00
    Location: Klubben, Lukretiavej 1, 2500 Valby
    Estate: Lukretiavej
    Category: Børn, unge og familier
    Audience: unge
    Slug: klub

    Hver mandag og onsdag. Økologisk mad, søde sager og hygge for unge på Lukretiavej – tag gerne en ven med, så bliver vi flere.
"""
# No UNTIL: a series the plan hands over to partners after 2016.
DROP_IN = """
    Title: Jobcentret i lejlighed 252
    Start: 2013-01-08 10:00
    End: 2013-01-08 12:00
    Repeat: FREQ=WEEKLY;BYDAY=TU
    Except: 2013-02-12, 2013-10-15
    Location: Carl Th. Dreyersvej 252, 2500 Valby
    Estate: Akacieparken
    Category: Uddannelse, beskæftigelse og erhverv
    Slug: jobcenter

    Råd om job og uddannelse.
"""
CAMP = """
    Title: Familielejr
    Start: 2013-07-01
    End: 2013-07-03
    Location: Lejrstedet
    Estate: Akacieparken, Lukretiavej
    Category: Børn, unge og familier
    Slug: familielejr

    Tre dage i naturen.
"""
MARKET = """
    Title: Loppemarked
    Start: 2013-03-02
    Repeat: FREQ=MONTHLY;BYDAY=1SA;UNTIL=20131231
    Except: 2013-08-03
    Cancelled: 2013-05-04
    Location: Gården
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati
    Slug: loppemarked

    Sælg og køb brugte ting.
"""
CALLED_OFF = """
    Title: Sommerfest
    Start: 2013-06-15 14:00
    End: 2013-06-15 22:00
    Status: cancelled
    Location: Gården
    Estate: Lukretiavej
    Category: Beboernetværk, inddragelse og demokrati
    Slug: sommerfest

    Aflyst på grund af byggeriet.
"""
TRICKY_TEXT = """
    Title: Beboermøde; vi taler, I lytter
    Start: 2013-05-07 19:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248; salen
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati
    Slug: beboermoede

    Første linje med <script>alert(1)</script>, komma; semikolon.

    Anden linje med "citat" og \\ skråstreg.
"""
# Start on a Sunday, rule on Mondays: clients would count the Sunday, the site does not.
OFF_RULE_START = """
    Title: Mandagsyoga
    Start: 2013-03-03 10:00
    Repeat: FREQ=WEEKLY;BYDAY=MO;COUNT=3
    Location: Salen
    Estate: Akacieparken
    Category: Børn, unge og familier
    Slug: yoga

    Tre mandage.
"""
LONG_AGO = """
    Title: Juletræsfest 2011
    Start: 2011-12-10 14:00
    Location: Beboerhuset
    Estate: Akacieparken
    Category: Børn, unge og familier
    Slug: juletraesfest-2011

    Længe siden.
"""
DRAFT = """
    Title: Hemmelig plan
    Start: 2013-05-01 10:00
    Status: draft
    Location: Kontoret
    Estate: Akacieparken
    Category: Image og kommunikation
    Slug: kladde

    Ikke endnu.
"""

EVENTS = {
    "klub.md": CLUB,
    "jobcenter.md": DROP_IN,
    "familielejr.md": CAMP,
    "loppemarked.md": MARKET,
    "sommerfest.md": CALLED_OFF,
    "beboermoede.md": TRICKY_TEXT,
    "jul-2011.md": LONG_AGO,
    "yoga.md": OFF_RULE_START,
    "kladde.md": DRAFT,
}


def write_events(site, events=EVENTS):
    return site.write({f"content/kalender/{name}": text for name, text in events.items()})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny calendar built once for the read-only tests, with the context's occurrences."""
    site = TinySite(tmp_path_factory.mktemp("feeds"))
    captured = {}

    def capture(generators):
        captured["occurrences"] = list(generators[0].context["occurrences"])

    signals.all_generators_finalized.connect(capture)
    try:
        write_events(site).build()
    finally:
        signals.all_generators_finalized.disconnect(capture)
    site.occurrences = captured["occurrences"]
    return site


def ics_files(site, languages: bool = False) -> dict[str, bytes]:
    """The feeds written by feeds.py; with `languages`, also /<lang>/kalender.ics (i18n.py)."""
    found = {path.relative_to(site.output).as_posix(): path.read_bytes() for path in sorted(site.output.rglob("*.ics"))}
    return {name: data for name, data in found.items() if languages or name.startswith("kalender")}


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def raw_blocks(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)


def unfolded(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "")


# --- What is written where --------------------------------------------------


def test_every_feed_of_the_contract_is_written_and_drafts_are_in_none(built):
    files = ics_files(built)
    assert set(files) == {
        "kalender.ics",
        "kalender/afdeling/akacieparken.ics",
        "kalender/afdeling/lukretiavej.ics",
        "kalender/kategori/boern-unge-og-familier.ics",
        "kalender/kategori/uddannelse-beskaeftigelse-og-erhverv.ics",
        "kalender/kategori/beboernetvaerk-inddragelse-og-demokrati.ics",
        "kalender/kategori/image-og-kommunikation.ics",  # empty, but subscribable
        *(
            f"kalender/{slug}.ics"
            for slug in (
                "klub",
                "jobcenter",
                "familielejr",
                "loppemarked",
                "sommerfest",
                "beboermoede",
                "juletraesfest-2011",
                "yoga",
            )
        ),
    }
    for data in files.values():
        assert b"kladde" not in data
    assert vevents(parse(files["kalender/kategori/image-og-kommunikation.ics"])) == []


def test_subset_feeds_hold_the_right_events_with_the_main_feeds_exact_bytes(built):
    files = ics_files(built)
    main_blocks = raw_blocks(files["kalender.ics"])
    for name, data in files.items():
        for block in raw_blocks(data):
            if b"juletraesfest-2011" not in block:
                assert block in main_blocks, name
    uids = lambda name: {str(c["UID"]) for c in vevents(parse(files[name]))}  # noqa: E731
    assert uids("kalender/afdeling/lukretiavej.ics") == {
        f"klub@{HOST}",
        f"klub+20130422@{HOST}",
        f"familielejr@{HOST}",
        f"sommerfest@{HOST}",
    }
    assert uids("kalender/kategori/uddannelse-beskaeftigelse-og-erhverv.ics") == {f"jobcenter@{HOST}"}
    assert uids("kalender/klub.ics") == {f"klub@{HOST}", f"klub+20130422@{HOST}"}


def test_one_offs_that_ended_over_a_year_ago_stay_only_in_their_own_feed(built):
    files = ics_files(built)
    assert b"juletraesfest-2011" not in files["kalender.ics"]
    assert b"juletraesfest-2011" not in files["kalender/afdeling/akacieparken.ics"]
    assert len(vevents(parse(files["kalender/juletraesfest-2011.ics"]))) == 1


def test_calendar_metadata_names_each_feed_distinctly(built):
    names = []
    for _name, data in ics_files(built).items():
        calendar = parse(data)
        text = unfolded(data)
        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"] == "-//Rum for Liv//Kalender//DA"
        assert "METHOD" not in calendar
        assert calendar["NAME"] == calendar["X-WR-CALNAME"]
        assert calendar["X-WR-TIMEZONE"] == "Europe/Copenhagen"
        assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
        assert "\r\nX-PUBLISHED-TTL:PT12H\r\n" in text
        names.append(str(calendar["NAME"]))
    assert len(set(names)) == len(names)
    assert "Rum for Liv · Lukretiavej" in names and "Rum for Liv" in names


# --- Parsed back with icalendar ---------------------------------------------

TIMED = ("DTSTART", "DTEND", "RECURRENCE-ID")


def test_feeds_parse_without_errors_and_never_float(built):
    for name, data in ics_files(built, languages=True).items():
        calendar = parse(data)
        for component in calendar.walk():
            assert component.errors == [], (name, component.name)
        for event in vevents(calendar):
            assert event["UID"].endswith(f"@{HOST}")
            for key in ("DTSTAMP", "LAST-MODIFIED"):
                assert event.decoded(key).utcoffset() == dt.timedelta(0), (name, key)
                assert event[key].to_ical().endswith(b"Z")
            assert isinstance(event.decoded("SEQUENCE"), int)
            for key in TIMED:
                if key in event:
                    assert_zoned_or_date(event[key], event["DTSTART"])
            for exdate in as_list(event.get("EXDATE")):
                assert_zoned_or_date(exdate, event["DTSTART"])
            assert event.decoded("DTEND") > event.decoded("DTSTART")


def as_list(value):
    return [] if value is None else value if isinstance(value, list) else [value]


def assert_zoned_or_date(prop, dtstart):
    """Datetimes carry TZID=Europe/Copenhagen; EXDATE and RECURRENCE-ID match DTSTART's form."""
    values = prop.dts if hasattr(prop, "dts") else [prop]
    for value in values:
        if isinstance(value.dt, dt.datetime):
            assert value.params.get("TZID", prop.params.get("TZID")) == "Europe/Copenhagen"
            assert value.dt.tzinfo is not None
            assert isinstance(dtstart.dt, dt.datetime)
        else:
            assert not isinstance(dtstart.dt, dt.datetime)


def test_until_is_utc_for_timed_rules_and_a_date_for_all_day_rules(built):
    text = unfolded(ics_files(built)["kalender.ics"])
    assert "RRULE:FREQ=WEEKLY;UNTIL=20131231T225959Z;BYDAY=MO,WE\r\n" in text
    assert "RRULE:FREQ=MONTHLY;UNTIL=20131231;BYDAY=1SA\r\n" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU\r\n" in text  # no end: stays a rule


def test_exdates_and_recurrence_ids_hit_real_occurrences(built):
    calendar = parse(ics_files(built)["kalender.ics"])
    masters = {str(e["UID"]): e for e in vevents(calendar) if "RRULE" in e}
    assert set(masters) == {f"{slug}@{HOST}" for slug in ("klub", "jobcenter", "loppemarked", "yoga")}
    hits = 0
    for event in vevents(calendar):
        master = masters.get(str(event["UID"]))
        if master is None:
            continue
        slots = set(rule_slots(master))
        for exdate in as_list(event.get("EXDATE")):
            for value in exdate.dts:
                assert value.dt in slots
                hits += 1
        if "RECURRENCE-ID" in event:
            assert event.decoded("RECURRENCE-ID") in slots
            hits += 1
    # klub: 2 Except + 1 split-off move; 1 cancelled + 1 moved override;
    # jobcenter: 2 Except; loppemarked: 1 Except + 1 cancelled override.
    assert hits == 3 + 2 + 2 + 2


def rule_slots(master):
    """Every start the RRULE gives (before EXDATE), in DTSTART's own form."""
    start = master.decoded("DTSTART")
    rule = master["RRULE"].to_ical().decode()
    if isinstance(start, dt.datetime):  # aware: dateutil keeps the wall time across DST
        return dtrule.rrulestr(rule, dtstart=start).between(start, dt.datetime(2017, 1, 1, tzinfo=UTC), inc=True)
    midnight = dt.datetime.combine(start, dt.time())
    return [moment.date() for moment in dtrule.rrulestr(rule, dtstart=midnight)]


def test_overrides_are_complete_and_cancellations_marked(built):
    calendar = parse(ics_files(built)["kalender.ics"])
    by_uid = {}
    for event in vevents(calendar):
        by_uid.setdefault(str(event["UID"]), []).append(event)
    master, *overrides = by_uid[f"klub@{HOST}"]
    assert "RECURRENCE-ID" not in master and len(overrides) == 2
    for override in overrides + by_uid[f"klub+20130422@{HOST}"]:
        for key in ("SUMMARY", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES", "SEQUENCE", "DTSTAMP"):
            assert override[key].to_ical() == master[key].to_ical(), key
    cancelled, moved = overrides
    assert cancelled.decoded("RECURRENCE-ID") == dt.datetime(2013, 4, 8, 15, tzinfo=CPH)
    assert cancelled["STATUS"] == "CANCELLED"
    assert moved.decoded("RECURRENCE-ID") == dt.datetime(2013, 4, 15, 15, tzinfo=CPH)
    assert moved.decoded("DTSTART") == dt.datetime(2013, 4, 16, 16, tzinfo=CPH)
    assert moved.decoded("DTEND") == dt.datetime(2013, 4, 16, 18, tzinfo=CPH)
    # Onto a Wednesday that has its own occurrence: EXDATE + a one-off of its own.
    (split,) = by_uid[f"klub+20130422@{HOST}"]
    assert split.decoded("DTSTART") == dt.datetime(2013, 4, 24, 10, tzinfo=CPH)
    assert "RRULE" not in split and "RECURRENCE-ID" not in split
    assert dt.datetime(2013, 4, 22, 15, tzinfo=CPH) in [v.dt for e in as_list(master["EXDATE"]) for v in e.dts]
    (called_off,) = by_uid[f"sommerfest@{HOST}"]
    assert called_off["STATUS"] == "CANCELLED"
    (camp,) = by_uid[f"familielejr@{HOST}"]
    assert camp.decoded("DTSTART") == dt.date(2013, 7, 1)
    assert camp.decoded("DTEND") == dt.date(2013, 7, 4)  # exclusive: editors wrote 3 July
    assert "DTEND;VALUE=DATE:20130704" in unfolded(ics_files(built)["kalender.ics"])
    assert master["URL"] == "https://rumforliv.dk/kalender/klub/"
    assert master["CATEGORIES"].cats == ["Børn, unge og familier"]


# --- One VTIMEZONE, checked against zoneinfo -------------------------------


def test_one_outlook_friendly_vtimezone_that_agrees_with_zoneinfo(built):
    for name, data in ics_files(built).items():
        zones = parse(data).walk("VTIMEZONE")
        assert len(zones) == 1, name
        assert b"RDATE" not in data and b"COMMENT" not in data
    (zone,) = parse(ics_files(built)["kalender.ics"]).walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Copenhagen"
    (standard,) = zone.walk("STANDARD")
    (daylight,) = zone.walk("DAYLIGHT")
    for rule, month in ((standard, 10), (daylight, 3)):
        assert rule["RRULE"].to_ical() == f"FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}".encode()
        offset_from, offset_to = rule.decoded("TZOFFSETFROM"), rule.decoded("TZOFFSETTO")
        onsets = dtrule.rrulestr(rule["RRULE"].to_ical().decode(), dtstart=rule.decoded("DTSTART"))
        for onset in onsets.between(dt.datetime(2012, 1, 1), dt.datetime(2040, 1, 1)):
            instant = (onset - offset_from).replace(tzinfo=UTC)  # local time before the change
            before = (instant - dt.timedelta(seconds=1)).astimezone(CPH)
            assert before.utcoffset() == offset_from
            assert instant.astimezone(CPH).utcoffset() == offset_to
        assert zoneinfo_name(offset_to) == rule["TZNAME"]


def zoneinfo_name(offset):
    moment = dt.datetime(2013, 7 if offset == dt.timedelta(hours=2) else 1, 1, tzinfo=CPH)
    return moment.tzname()


# --- Two independent expansions agree with the site's own -----------------


def key_of(uid: str) -> str:
    """'klub+20130422@rumforliv.dk' -> 'klub': the event a split-off move belongs to."""
    return uid.split("@")[0].split("+")[0]


def utc_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def in_window(start) -> bool:
    return FIRST <= day(start if not isinstance(start, dt.datetime) else start.astimezone(CPH)) < AFTER


def by_recurring_ical_events(data: bytes) -> list[tuple]:
    found = recurring_ical_events.of(parse(data)).between(FIRST, AFTER)
    return sorted(
        (
            key_of(str(e["UID"])),
            utc_text(e.decoded("DTSTART")),
            utc_text(e.decoded("DTEND")),
            e.get("STATUS") == "CANCELLED",
        )
        for e in found
        if in_window(e.decoded("DTSTART"))
    )


def by_ical_js(path: Path) -> list[tuple]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.skip("Node's ical.js is not installed (scripts/setup.sh installs node and runs npm ci)")
    result = subprocess.run(
        [node, str(ROOT / "tests/ical/expand.mjs"), str(path), FIRST.isoformat(), AFTER.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return sorted(
        (key_of(o["uid"]), o["start"], o["end"], o["status"] == "CANCELLED") for o in json.loads(result.stdout)
    )


def by_site(occurrences) -> list[tuple]:
    return sorted(
        (occ.event.slug, utc_text(occ.start), utc_text(occ.end), occ.cancelled)
        for occ in occurrences
        if in_window(occ.start)
    )


def test_two_independent_expansions_agree_with_the_sites_occurrences(built):
    expected = by_site(built.occurrences)
    feed = built.output / "kalender.ics"
    assert by_recurring_ical_events(feed.read_bytes()) == expected
    assert by_ical_js(feed) == expected
    # The points that break clients: both DST changes, skips, cancellations, moves.
    club = [o for o in expected if o[0] == "klub"]
    assert ("klub", "2013-03-27T14:00:00Z") not in [o[:2] for o in club]  # Except
    assert ("klub", "2013-03-06T14:00:00Z", "2013-03-06T16:00:00Z", False) in club  # CET
    assert ("klub", "2013-04-03T13:00:00Z", "2013-04-03T15:00:00Z", False) in club  # CEST
    assert ("klub", "2013-10-28T14:00:00Z", "2013-10-28T16:00:00Z", False) in club  # CET again
    assert ("klub", "2013-04-08T13:00:00Z", "2013-04-08T15:00:00Z", True) in club
    assert ("klub", "2013-04-16T14:00:00Z", "2013-04-16T16:00:00Z", False) in club
    assert ("klub", "2013-04-24T08:00:00Z", "2013-04-24T10:00:00Z", False) in club
    assert ("klub", "2013-04-24T13:00:00Z", "2013-04-24T15:00:00Z", False) in club
    assert ("familielejr", "2013-07-01", "2013-07-04", False) in expected
    assert ("loppemarked", "2013-05-04", "2013-05-05", True) in expected
    assert [o[1] for o in expected if o[0] == "yoga"] == [
        "2013-03-04T09:00:00Z",
        "2013-03-11T09:00:00Z",
        "2013-03-18T09:00:00Z",
    ]
    assert len([o for o in expected if o[0] == "jobcenter"]) == 52 - 2  # Tuesdays 8 Jan .. 31 Dec, minus two Except


def test_per_event_feeds_expand_like_the_main_feed(built):
    main = by_ical_js(built.output / "kalender.ics")
    for slug in ("klub", "loppemarked"):
        assert by_ical_js(built.output / f"kalender/{slug}.ics") == [o for o in main if o[0] == slug]


# --- Bytes -------------------------------------------------------------------


def test_crlf_lines_of_at_most_75_octets_each_valid_utf8(built):
    files = ics_files(built, languages=True)
    for name, data in files.items():
        assert data.endswith(b"\r\n")
        lines = data[:-2].split(b"\r\n")
        for line in lines:
            assert b"\n" not in line and b"\r" not in line, name
            assert len(line) <= 75, (name, line)
            line.decode("utf-8")  # raises if a fold split a character
    folds = [line for line in files["kalender.ics"].split(b"\r\n") if line.startswith(b" ")]
    assert len(folds) >= 4  # long Danish text was folded, not cut


def test_description_is_plain_escaped_text(built):
    data = ics_files(built)["kalender/beboermoede.ics"]
    (event,) = vevents(parse(data))
    text = str(event["DESCRIPTION"])
    assert text.startswith("Første linje med <script>alert(1)</script>, komma; semikolon.\n\nAnden linje")
    assert "<p>" not in text and "&lt;" not in text
    raw = unfolded(data)
    assert "komma\\; semikolon.\\n\\nAnden" in raw
    assert "SUMMARY:Beboermøde\\; vi taler\\, I lytter\r\n" in raw
    assert "LOCATION:Beboerhuset\\, Carl Th. Dreyersvej 248\\; salen\r\n" in raw
    assert str(event["SUMMARY"]) == "Beboermøde; vi taler, I lytter"


# --- Determinism and SEQUENCE ----------------------------------------------


def sequences(site) -> dict[str, tuple[int, str]]:
    calendar = parse(site.output.joinpath("kalender.ics").read_bytes())
    return {
        str(e["UID"]): (e.decoded("SEQUENCE"), e["LAST-MODIFIED"].to_ical().decode())
        for e in vevents(calendar)
        if "RECURRENCE-ID" not in e
    }


def test_two_builds_are_byte_identical(site):
    write_events(site).build()
    first = ics_files(site, languages=True)
    assert (site.content / "kalender/revisioner.json").is_file()
    site.build()  # now with the revision history the first build wrote
    assert ics_files(site, languages=True) == first
    assert not list(site.output.rglob("revisioner.json"))  # never published


def test_sequence_rises_once_per_schedule_change_and_only_for_that_event(site):
    built = write_events(site)
    built.build()
    state = built.content / "kalender/revisioner.json"
    assert sequences(built)[f"klub@{HOST}"] == (0, "20130304T000000Z")
    history = state.read_text(encoding="utf-8")

    write_events(built, {"klub.md": CLUB.replace("17:00", "17:30")}).build(today="2013-03-05")
    after = sequences(built)
    assert after[f"klub@{HOST}"] == (1, "20130305T000000Z")
    assert after[f"jobcenter@{HOST}"] == (0, "20130304T000000Z")
    assert state.read_text(encoding="utf-8") != history

    # Text edits do not bump anything; an edit of another event leaves klub alone.
    edited = DROP_IN.replace("Råd om job", "Gode råd om job").replace("Except: 2013-02-12, ", "Except: ")
    write_events(
        built,
        {
            "jobcenter.md": edited,
            "klub.md": CLUB.replace("17:00", "17:30").replace("Hver mandag", "Hver eneste mandag"),
        },
    ).build(today="2013-03-06")
    again = sequences(built)
    assert again[f"klub@{HOST}"] == (1, "20130305T000000Z")
    assert again[f"jobcenter@{HOST}"] == (1, "20130306T000000Z")  # the Except changed
    assert again[f"familielejr@{HOST}"] == (0, "20130304T000000Z")


@pytest.mark.parametrize(
    "change",
    [
        ("Location: Klubben, Lukretiavej 1", "Location: Klubben, Lukretiavej 3"),
        ("UNTIL=20131231", "UNTIL=20131130"),
        ("Cancelled: 2013-04-08", "Cancelled: 2013-04-08, 2013-04-10"),
        ("Slug: klub", "Slug: klub\n    Status: cancelled"),
        ("Title: Klubaften", "Title: Klubaftenen"),
    ],
)
def test_which_edits_count_as_schedule_changes(change):
    settings = {
        "DEFAULT_EVENT_MINUTES": 120,
        "ESTATES": ["Lukretiavej"],
        "CATEGORIES": ["Børn, unge og familier"],
        "AUDIENCES": ["unge"],
        "LANGUAGES": ["da"],
        "SITE_HOST": HOST,
    }
    before, after = (fake_event(text, settings) for text in (CLUB, CLUB.replace(*change)))
    changed = feeds.schedule_hash(before) != feeds.schedule_hash(after)
    assert changed == (change[0] != "Title: Klubaften")


def test_missing_history_starts_at_sequence_zero(tmp_path):
    event = SimpleNamespace(uid=f"a@{HOST}", schedule=None, location="x")
    event.schedule = build_schedule({"start": dt.datetime(2013, 3, 4, 10)}, {"DEFAULT_EVENT_MINUTES": 60})
    revisions = feeds.update_revisions(feeds.load_revisions(tmp_path / "missing.json"), [event], dt.date(2013, 3, 4))
    assert revisions["a"] == {"hash": feeds.schedule_hash(event), "sequence": 0, "modified": "20130304T000000Z"}
    assert set(revisions) == {"a", "_om"}  # and a note for editors


def test_the_content_checker_ignores_the_history_file(site):
    write_events(site, {"klub.md": CLUB}).write({"content/kalender/revisioner.json": "{}\n"})
    settings = site.settings()
    assert [p for p, _, _ in schema.content_files(settings) if p.suffix != ".md"] == []
    assert schema.check_tree(settings) == []


def test_a_translation_has_its_own_feed_with_its_own_uid_and_the_danish_revision(site):
    english = CLUB.replace("Title: Klubaften", "Title: Club night\n    Lang: en").replace(
        "Hver mandag og onsdag.", "Every Monday and Wednesday."
    )
    write_events(site, {"klub.md": CLUB, "klub.en.md": english}).build()
    write_events(
        site, {"klub.md": CLUB.replace("15:00", "15:30"), "klub.en.md": english.replace("15:00", "15:30")}
    ).build(today="2013-03-05")
    danish = {str(e["UID"]): e for e in vevents(parse(site.output.joinpath("kalender/klub.ics").read_bytes()))}
    (own,) = [e for e in vevents(parse(site.output.joinpath("en/kalender/klub.ics").read_bytes())) if "RRULE" in e]
    assert own["UID"] == f"klub.en@{HOST}" and own["SUMMARY"] == "Club night"
    assert own["URL"] == "https://rumforliv.dk/en/kalender/klub/"
    assert own.decoded("SEQUENCE") == danish[f"klub@{HOST}"].decoded("SEQUENCE") == 1
    assert f"klub.en@{HOST}".encode() not in site.output.joinpath("kalender.ics").read_bytes()


# --- Size ----------------------------------------------------------------------


def fake_event(text: str, settings: dict, slug: str | None = None):
    source = schema.parse_source("x.md", textwrap.dedent(text).lstrip("\n"))
    checked, problems = schema.check_source(source, "event", settings)
    assert problems == []
    values = checked.values
    slug = slug or values.get("slug", "x")
    return SimpleNamespace(
        uid=f"{slug}@{HOST}",
        slug=slug,
        url=f"kalender/{slug}/",
        title=values["title"],
        location=values["location"],
        estates=values["estate"],
        organizer=values.get("organizer"),
        contact=values.get("contact"),
        description=checked.body.strip(),
        category=SimpleNamespace(name=values["category"]),
        schedule=build_schedule(values, settings),
    )


def test_a_big_calendar_stays_under_one_megabyte(site):
    """Four years of a busy plan: 60 series with many holidays, 250 one-offs a year."""
    settings = site.settings()
    settings["TODAY"] = dt.date(2016, 12, 1)
    text = "Lang beskrivelse med æøå, kommaer; og semikolon. " * 12
    events = []
    for n in range(60):
        holidays = ", ".join(f"{2013 + n % 4}-0{m}-0{d}" for m in (2, 3) for d in range(1, 8))
        series = (
            f"Title: Serie {n}\nStart: {2013 + n % 4}-01-0{1 + n % 7} 15:00\nEnd: 2013-01-01 17:00\n"
            f"Repeat: FREQ=DAILY\nExcept: {holidays}\nLocation: Beboerhuset\nEstate: Akacieparken\n"
            f"Category: Børn, unge og familier\n\n{text}\n"
        )
        events.append(
            fake_event(
                series.replace("End: 2013-01-01", f"End: {2013 + n % 4}-01-0{1 + n % 7}"), settings, f"serie-{n}"
            )
        )
    for n in range(1000):
        start = dt.date(2013, 1, 1) + dt.timedelta(days=n * 1461 // 1000)
        one_off = (
            f"Title: Arrangement {n}\nStart: {start} 19:00\nLocation: Salen\nEstate: Lukretiavej\n"
            f"Category: Image og kommunikation\n\n{text}\n"
        )
        events.append(fake_event(one_off, settings, f"arrangement-{n}"))
    name, chosen = feeds.feeds(events, settings)["kalender.ics"]
    data = feeds.build_calendar(chosen, settings, name).to_ical()
    assert 60 + 200 < len(chosen) < 60 + 300  # one-offs of the last year and the future only
    assert len(data) < 1_000_000
    assert len(raw_blocks(data)) == len(chosen)


def test_feeds_written_from_serialised_events_equal_the_whole_calendar_serialised(site):
    """The writer joins each event's VEVENT bytes (made once) under a head and the zone:
    that must be exactly what icalendar writes for the calendar as one object."""
    settings = site.settings()
    settings["TODAY"] = dt.date(2013, 3, 4)
    settings["SITENAME"] = "Rum for Liv – et langt navn der skal foldes over flere linjer, æøå " * 2
    texts = [text for text in EVENTS.values() if text is not DRAFT]
    events = [fake_event(text, settings) for text in texts]
    for name, chosen in feeds.feeds(events, settings).values():
        chosen = sorted(chosen, key=lambda e: e.uid)
        serialised = [feeds.event_ical(e, settings, feeds.revision_of({}, e, settings["TODAY"])) for e in chosen]
        assert feeds.feed_ical(name, serialised, settings) == feeds.build_calendar(chosen, settings, name).to_ical()


def test_a_series_says_what_it_is_once_and_serialises_it_once(site, monkeypatch):
    """The club's master, cancellation and moves share one value for each of SUMMARY, LOCATION,
    DESCRIPTION ... (`feeds.about`): each such line is made once, and stands in every VEVENT."""
    settings = site.settings()
    settings["TODAY"] = dt.date(2013, 3, 4)
    club = fake_event(CLUB, settings, "klub")
    made = []
    original = icalendar.Event.content_line

    def content_line(component, name, value, sorted=True):
        made.append(name)
        return original(component, name, value, sorted=sorted)

    monkeypatch.setattr(icalendar.Event, "content_line", content_line)
    data = feeds.event_ical(club, settings, feeds.revision_of({}, club, settings["TODAY"]))
    vevents = data.count(b"BEGIN:VEVENT")
    assert vevents == 4  # the series, the cancelled day and two moves
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES", "SEQUENCE", "DTSTAMP"):
        assert made.count(name) == 1 and data.count(f"\r\n{name}".encode()) == vevents, name
    assert made.count("DTSTART") == vevents


@pytest.mark.parametrize("octets", [73, 74, 75, 76, 150])
@pytest.mark.parametrize("tail", ["", "ø", "æøå", "€"])
def test_only_lines_that_need_it_are_folded_and_exactly_as_icalendar_folds(octets, tail):
    """`feeds.ical` takes lines of at most 74 octets as they are: the same bytes as to_ical(),
    also where a multi-byte character meets the 75th octet."""
    summary = "x" * (octets - len("SUMMARY:") - len(tail.encode())) + tail
    event = icalendar.Event()
    event.add("summary", summary)
    event.add("description", summary + "\n" + summary)
    assert feeds.ical(event) == event.to_ical()
    assert (b"\r\n " in feeds.ical(event).split(b"DESCRIPTION")[0]) == (octets > 74)


def test_content_lines_are_cut_where_icalendar_cuts_them():
    """Lines of many lengths, with multi-byte characters and escapes (which icalendar keeps with
    what they escape) landing on the cuts; seeded, so every run checks the same lines."""
    from icalendar.parser import Contentline
    from icalendar.parser.string import _foldline

    chance = random.Random(5545)
    alphabet = "aaaaaaaø€😀\\^,; "
    lines = ["".join(chance.choice(alphabet) for _ in range(chance.randrange(60, 300))) for _ in range(3000)]
    escapes_moved = 0
    for line in lines:
        expected = _foldline(line)
        assert feeds.content_line(Contentline(line)) == expected.encode() + b"\r\n", line
        parts = expected.split("\r\n ")
        escapes_moved += sum(b[0] in "\\^" and len(a.encode()) < 74 for a, b in zip(parts, parts[1:]))
    assert escapes_moved > 50  # the rule for escapes was really tested


# --- Language feeds: the Danish bytes under their own UIDs ------------------------

DROP_IN_EN = DROP_IN.replace(
    "Title: Jobcentret i lejlighed 252", "Title: Job centre in flat 252\n    Lang: en"
).replace("Råd om job og uddannelse.", "Advice on jobs and education.")
# "UID:<slug>@rumforliv.dk" is 73 octets, "UID:<slug>.en@rumforliv.dk" 76: icalendar folds the latter.
LONG_SLUG = "en-aktivitet-med-et-saerdeles-langt-navn-til-kalenderen1"
LONG = CAMP.replace("Slug: familielejr", f"Slug: {LONG_SLUG}").replace("Title: Familielejr", "Title: Lang lejr")
OTHER_LANGUAGES = ("en", "tr", "so", "ar", "ur")


@contextlib.contextmanager
def captured_context():
    """The build's shared context (after the build: its feeds' Serialiser too)."""
    found = {}

    def grab(generators):  # a named function: blinker keeps only a weak reference
        found["context"] = generators[0].context

    signals.all_generators_finalized.connect(grab)
    try:
        yield found
    finally:
        signals.all_generators_finalized.disconnect(grab)


def feed_as_before(context, lang: str) -> bytes:
    """/<lang>/kalender.ics as written before the Danish bytes were reused: every event serialised as shown."""
    today = context["TODAY"]
    revisions = feeds.load_revisions(Path(context["PATH"]) / feeds.REVISIONS_FILE)
    recent = [e for e in context["events"] if feeds.is_recent(e, today)]
    pairs = sorted(zip(recent, languages.feed_events(recent, lang)), key=lambda pair: pair[1].uid)
    serialised = [
        feeds.event_ical(shown, context, feeds.revision_of(revisions, original, today)) for original, shown in pairs
    ]
    name = translate(lang, languages.FEED_NAME) % {"site": context["SITENAME"]}
    return feeds.feed_ical(name, serialised, context)


def folded_uid(data: bytes) -> bool:
    return re.search(rb"(^|\r\n)UID:[^\r]*\r\n ", data) is not None


def test_an_untranslated_event_in_a_language_feed_is_the_danish_event_under_its_own_uid(site):
    with captured_context() as found:
        write_events(site, {**EVENTS, "jobcenter.en.md": DROP_IN_EN, "lang.md": LONG}).build()
    for lang in OTHER_LANGUAGES:  # exactly the bytes of serialising each event again
        assert site.output.joinpath(f"{lang}/kalender.ics").read_bytes() == feed_as_before(found["context"], lang)
    danish_data, english_data = (
        site.output.joinpath(name).read_bytes() for name in ("kalender.ics", "en/kalender.ics")
    )
    danish = {str(e["UID"]): e for e in vevents(parse(danish_data))}
    english = {str(e["UID"]): e for e in vevents(parse(english_data))}
    assert f"klub.en+20130422@{HOST}" in english  # the split-off move, under the language's UID too
    for uid, event in english.items():
        if uid.startswith("jobcenter."):
            continue
        original = danish[uid.replace(".en", "", 1)]
        assert event["SUMMARY"] == original["SUMMARY"] and event["DESCRIPTION"] == original["DESCRIPTION"]
        assert {k: v for k, v in event.property_items() if k != "UID"} == {
            k: v for k, v in original.property_items() if k != "UID"
        }
    assert {str(english[f"klub.en@{HOST}"]["SUMMARY"]), str(english[f"jobcenter.en@{HOST}"]["SUMMARY"])} == {
        "Klubaften",
        "Job centre in flat 252",
    }
    assert folded_uid(english_data) and not folded_uid(
        danish_data
    )  # the long slug's UID is folded, as icalendar folds it
    expand = by_recurring_ical_events
    assert [o for o in expand(english_data) if o[0] == "klub.en"] == [
        ("klub.en", *o[1:]) for o in expand(danish_data) if o[0] == "klub"
    ]


@pytest.mark.parametrize("length", [10, 45, 46, 48, 49, 60])
def test_an_event_under_another_uid_equals_serialising_it_again(length):
    """CLUB's split-off move has the longest UID: 'UID:<slug>.en+20130422@rumforliv.dk' is length + 29 octets,
    folded from 75 octets on; the other lines are the Danish event's, made once."""
    settings = {
        "DEFAULT_EVENT_MINUTES": 120,
        "ESTATES": ["Lukretiavej"],
        "CATEGORIES": ["Børn, unge og familier"],
        "AUDIENCES": ["unge"],
        "LANGUAGES": ["da"],
        "SITE_HOST": HOST,
        "SITEURL": "https://x.dk",
    }
    slug = "k" * length
    text = CLUB.replace("Hver mandag", "UID:snyd@x.dk; UID:" + "lang tekst " * 10 + "\n\n    UID:igen")
    event = fake_event(text, settings, slug)
    revision = feeds.Revision(3, dt.datetime(2013, 3, 4, tzinfo=UTC))
    new = f"{slug}.en@{HOST}"
    expected = feeds.event_ical(SimpleNamespace(**{**vars(event), "uid": new}), settings, revision)
    components, lines = feeds.event_components(event, settings, revision), {}
    danish = feeds.serialised(components, lines)
    assert feeds.serialised(feeds.under_uid(components, event.uid, new), lines) == expected
    assert folded_uid(expected) == (length > 45)  # where icalendar folds (75 octets and more)
    assert danish == feeds.event_ical(event, settings, revision)  # the Danish lines are untouched
    with pytest.raises(ValueError):
        feeds.under_uid(components, f"andet@{HOST}", new)  # UIDs of another event


# --- The serialisation cache across builds -----------------------------------------


def cache_keys(site) -> set[str]:
    stored = pickle.loads(site.root.joinpath("cache", feeds.CACHE_FILE).read_bytes())
    return set(stored["entries"])


HERE = {"RENDER_WORKERS": 1}  # the feeds written in this process, so that its context holds their Serialiser


def test_a_second_build_with_the_cache_writes_the_same_bytes_and_serialises_nothing(site, tmp_path):
    files = {**EVENTS, "jobcenter.en.md": DROP_IN_EN}
    write_events(site, files).build(**HERE)
    first = ics_files(site, languages=True)
    with captured_context() as found:
        site.build(**HERE)
    serialiser = found["context"][feeds.SERIALISER]
    assert ics_files(site, languages=True) == first
    # 8 events (no draft) and the translation; the 7 recent ones in each of the 5 other languages' feeds but
    # the one translated there (under that language's UIDs)
    assert serialiser.misses == 0 and serialiser.hits == len(cache_keys(site)) == 8 + 1 + 7 * 5 - 1
    uncached = write_events(TinySite(tmp_path / "uncached"), files)
    uncached.build(CACHE_CONTENT=False)
    assert ics_files(uncached, languages=True) == first
    assert not (uncached.root / "cache" / feeds.CACHE_FILE).exists()


def test_after_a_title_change_only_that_event_is_serialised_again(site):
    write_events(site).build(**HERE)
    before = cache_keys(site)
    with captured_context() as found:
        write_events(site, {"klub.md": CLUB.replace("Title: Klubaften", "Title: Klubaften for unge")}).build(**HERE)
    serialiser = found["context"][feeds.SERIALISER]
    assert (serialiser.misses, serialiser.hits) == (6, len(before) - 6)  # the Danish event, and in five languages
    after = cache_keys(site)
    assert len(before - after) == len(after - before) == 6  # the old entries are dropped, not kept
    for name in ("kalender.ics", "kalender/klub.ics", "en/kalender.ics"):
        titles = {str(e["SUMMARY"]) for e in vevents(parse(site.output.joinpath(name).read_bytes()))}
        assert "Klubaften for unge" in titles and "Klubaften" not in titles


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"not a pickle",
        pickle.dumps({"format": 1, "entries": [1]}),
        pickle.dumps({"format": 1, "entries": {"k": SimpleNamespace()}}),
        pickle.dumps(ValueError("a class")),
        pickle.dumps({"format": 0, "entries": {}}),
    ],
)
def test_an_unreadable_cache_file_is_no_cache(tmp_path, junk):
    path = tmp_path / feeds.CACHE_FILE
    path.write_bytes(junk)
    assert feeds.load_cache(path) == {}
    assert feeds.load_cache(tmp_path / "missing") == {}


def test_a_corrupt_cache_file_is_ignored_and_replaced(site):
    write_events(site, {"klub.md": CLUB}).build()
    expected = ics_files(site, languages=True)
    site.root.joinpath("cache", feeds.CACHE_FILE).write_bytes(b"\x80\x04not a pickle")
    site.build()
    assert ics_files(site, languages=True) == expected
    assert len(cache_keys(site)) == 1 + 5  # the event, and in the five other languages' feeds


# --- The site's time zone -----------------------------------------------------------


def test_the_feeds_zone_is_the_timezone_setting(site):
    """Another plan in Helsinki: its VTIMEZONE (yearly rules checked against zoneinfo) and every time in it."""
    site.write({"content/kalender/lektiecafe.md": HOMEWORK}).build(TIMEZONE="Europe/Helsinki")
    data = site.output.joinpath("kalender.ics").read_bytes()
    calendar = parse(data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Helsinki" and calendar["X-WR-TIMEZONE"] == "Europe/Helsinki"
    offsets = {part.name: part.decoded("TZOFFSETTO") for part in zone.subcomponents}
    assert offsets == {"STANDARD": dt.timedelta(hours=2), "DAYLIGHT": dt.timedelta(hours=3)}
    assert b"DTSTART;TZID=Europe/Helsinki:20130107T150000" in data
    helsinki = ZoneInfo("Europe/Helsinki")
    starts = [e.start for e in recurring_ical_events.of(calendar).between(dt.date(2013, 3, 25), dt.date(2013, 4, 2))]
    assert [s.astimezone(UTC).hour for s in starts] == [13, 13, 13, 12]  # 15:00 in Helsinki, before and after 31 March
    assert all(s.astimezone(helsinki).hour == 15 for s in starts)


def test_a_zone_the_feeds_cannot_describe_stops_the_build_in_danish(site):
    """New York changes on the second Sunday of March: not the one yearly rule Outlook reads well."""
    from rumforliv.build.run import BuildFailed

    site.write({"content/kalender/lektiecafe.md": HOMEWORK})
    for zone in ("America/New_York", "Europe/Kobenhavn"):
        with pytest.raises(BuildFailed) as failed:
            site.build(TIMEZONE=zone)
        assert f'pelicanconf.py:1: TIMEZONE: "{zone}" kan ikke bruges' in str(failed.value)
