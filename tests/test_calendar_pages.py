"""Calendar pages: the week list, month grids, an activity's page, the filters and /abonner/
all show exactly the occurrences of the one expansion, across the change to summer time."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
import recurring_ical_events
import segno
from pelican import signals

from conftest import TinySite

TODAY = dt.date(2013, 3, 4)  # Monday of week 10; summer time begins Sunday 31 March
# Monday and Thursday 15-17; every slot of the Easter holiday (23 March - 1 April) skipped.
CLUB = """
    Title: Klubaften
    Start: 2013-03-04 15:00
    End: 2013-03-04 17:00
    Repeat: FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20130430
    Except: 2013-03-25, 2013-03-28, 2013-04-01
    Cancelled: 2013-03-11
    Moved: 2013-04-04 -> 2013-04-05 16:00
    Location: Klubben, Lukretiavej 1, 2500 Valby
    Estate: Lukretiavej
    Category: Børn, unge og familier
    Audience: unge
    Organizer: Ungekoordinatoren
    Contact: Ungekoordinatoren, tlf. 12 34 56 78
    Slug: klub

    Hver mandag og torsdag.
"""
CAMP = """
    Title: Familielejr
    Start: 2013-04-12
    End: 2013-04-14
    Location: Lejrstedet – oplyses ved tilmelding
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati
    Audience: alle
    Slug: lejr

    Tre dage i naturen.
"""
# Called off as a whole; no Audience given, so it counts as being for everyone.
PARTY = """
    Title: Forårsfest
    Start: 2013-03-20 17:00
    End: 2013-03-20 21:00
    Status: cancelled
    Location: Gården, Lukretiavej 1, 2500 Valby
    Estate: Lukretiavej
    Category: Image og kommunikation
    Slug: fest

    Aflyst på grund af byggeriet.
"""
FILES = {"content/kalender/klub.md": CLUB, "content/kalender/lejr.md": CAMP, "content/kalender/fest.md": PARTY}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny calendar built once, with the context's one expansion captured."""
    site = TinySite(tmp_path_factory.mktemp("calendar"))
    site.write(FILES)
    captured = {}

    def capture(generators):
        captured["occurrences"] = list(generators[0].context["occurrences"])

    signals.all_generators_finalized.connect(capture)
    try:
        site.build(today=TODAY.isoformat())
    finally:
        signals.all_generators_finalized.disconnect(capture)
    site.occurrences = captured["occurrences"]
    return site


class Occurrences(HTMLParser):
    """Every <li class="occ"> of a page: (event slug, <time datetime>, cancelled, day it is listed on)."""

    def __init__(self, slug: str | None = None):
        super().__init__()
        self.slug, self.day, self.found = slug, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "data-date" in attrs:
            self.day = attrs["data-date"]
        if tag == "li" and "occ" in classes:
            self.found.append({"slug": self.slug, "cancelled": "occ-cancelled" in classes, "day": self.day})
        elif tag == "time" and "occ-time" in classes:
            self.found[-1]["start"] = attrs["datetime"]
        elif tag == "a" and "occ-title" in classes:
            self.found[-1]["slug"] = attrs["href"].rstrip("/").rsplit("/", 1)[-1]


def shown(html: str, slug: str | None = None) -> list[dict]:
    parser = Occurrences(slug)
    parser.feed(html)
    return parser.found


def as_set(items) -> set[tuple]:
    return {(item["slug"], item["start"], item["cancelled"]) for item in items}


def expected(occurrences, first: dt.date, last: dt.date, slug: str | None = None) -> set[tuple]:
    """The one expansion's occurrences touching days first..last."""
    return {
        (occ.event.slug, occ.start.isoformat(), occ.cancelled)
        for occ in occurrences
        if occ.day <= last and occ.last_day >= first and slug in (None, occ.event.slug)
    }


# --- /kalender/ ---------------------------------------------------------------


def test_week_list_shows_the_expansion_for_eight_weeks_from_today(built):
    html = built.read("kalender/index.html")
    last = TODAY + dt.timedelta(weeks=8) - dt.timedelta(days=1)
    assert as_set(shown(html)) == expected(built.occurrences, TODAY, last)
    headings = re.findall(r"<h2 id=\"uge-[^\"]+\">(.*?)</h2>", html)
    assert headings[0] == "Uge 10 · 4.–10. marts"
    assert headings[3] == "Uge 13 · 25.–31. marts"
    assert len(headings) == 8


def test_times_stay_local_across_the_change_to_summer_time(built):
    html = built.read("kalender/index.html")
    before = shown(html)
    starts = {item["start"] for item in before}
    assert "2013-03-18T15:00:00+01:00" in starts
    assert "2013-04-08T15:00:00+02:00" in starts
    assert re.search(r'datetime="2013-04-08T15:00:00\+02:00">kl\. 15–17</time>', html)
    assert re.search(r'datetime="2013-03-18T15:00:00\+01:00">kl\. 15–17</time>', html)


def test_a_cancelled_date_is_struck_through_and_says_aflyst_never_missing(built):
    html = built.read("kalender/index.html")
    cancelled = [item for item in shown(html) if item["cancelled"]]
    assert [(c["slug"], c["start"]) for c in cancelled] == [
        ("klub", "2013-03-11T15:00:00+01:00"),
        ("fest", "2013-03-20T17:00:00+01:00"),
    ]
    entry = re.search(r'<li class="occ occ-cancelled">(.*?)</li>', html, re.S).group(1)
    assert re.search(
        r"<strong[^>]*>Aflyst</strong> <del><time[^>]*>kl\. 15–17</time>\s*<a[^>]*>Klubaften</a>\s*</del>", entry
    )


def test_a_moved_date_is_listed_on_its_new_day_and_time_with_a_note(built):
    html = built.read("kalender/index.html")
    moved = [item for item in shown(html) if item["start"].startswith("2013-04-05")]
    assert moved == [{"slug": "klub", "cancelled": False, "day": "2013-04-05", "start": "2013-04-05T16:00:00+02:00"}]
    assert "Flyttet fra torsdag d. 4. april" in html
    assert "2013-04-04T" not in html


def test_a_multi_day_event_shows_on_each_of_its_days(built):
    days = [item["day"] for item in shown(built.read("kalender/index.html")) if item["slug"] == "lejr"]
    assert days == ["2013-04-12", "2013-04-13", "2013-04-14"]
    assert '<time class="occ-time" datetime="2013-04-12">12.–14. april</time>' in built.read("kalender/index.html")


def test_days_carry_their_date_and_the_list_starts_today(built):
    dates = re.findall(r'<div class="day" data-date="([\d-]+)">', built.read("kalender/index.html"))
    assert dates[0] == "2013-03-04" and dates == sorted(dates)
    built_later = TinySite(built.root.parent / "later")
    built_later.write({"content/kalender/klub.md": CLUB}).build(today="2013-03-06")
    assert re.findall(r'data-date="([\d-]+)"', built_later.read("kalender/index.html"))[0] == "2013-03-07"


# --- Month grids ----------------------------------------------------------------


class GridItems(HTMLParser):
    """Every item of a month grid's cells (the short form): (event slug, day, cancelled)."""

    def __init__(self):
        super().__init__()
        self.day, self.found, self.item = None, set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td":
            self.day = attrs.get("data-date")
        elif tag == "li" and self.day:
            self.item = [None, self.day, attrs.get("class") == "occ-cancelled"]
        elif tag == "a" and self.item and self.item[0] is None:
            self.item[0] = attrs["href"].rstrip("/").rsplit("/", 1)[-1]
            self.found.add(tuple(self.item))

    def handle_endtag(self, tag):
        if tag == "td":
            self.day = self.item = None


def grid_items(html: str) -> set[tuple]:
    parser = GridItems()
    parser.feed(html)
    return parser.found


def expected_days(occurrences, first: dt.date, last: dt.date) -> set[tuple]:
    """(slug, day, cancelled) for every day of first..last an occurrence is on."""
    days = set()
    for occ in occurrences:
        day = occ.day
        while day <= occ.last_day:
            if first <= day <= last:
                days.add((occ.event.slug, day.isoformat(), occ.cancelled))
            day += dt.timedelta(days=1)
    return days


def test_month_pages_show_the_expansion_day_by_day(built):
    march, april = built.read("kalender/2013/03/index.html"), built.read("kalender/2013/04/index.html")
    assert grid_items(march) == expected_days(built.occurrences, dt.date(2013, 3, 1), dt.date(2013, 3, 31))
    assert grid_items(april) == expected_days(built.occurrences, dt.date(2013, 4, 1), dt.date(2013, 4, 30))
    assert '<td data-date="2013-04-13">' in april  # the camp's middle day
    assert '<li><a href="/kalender/klub/">15–17 Klubaften</a></li>' in march  # time and title, no place
    assert (
        '<li class="occ-cancelled"><a href="/kalender/klub/"><strong class="occ-flag">Aflyst</strong> '
        "<del>15–17 Klubaften</del></a></li>"
    ) in march
    assert "Flyttet fra torsdag d. 4. april" in april


def test_every_month_of_the_window_has_a_page_linked_to_its_neighbours(built):
    months = sorted(
        p.parent.relative_to(built.output).as_posix() for p in built.output.glob("kalender/[0-9]*/[0-9]*/index.html")
    )
    assert months[0] == "kalender/2013/03" and months[-1] == "kalender/2014/03"
    assert len(months) == 13
    march, april = built.read("kalender/2013/03/index.html"), built.read("kalender/2013/04/index.html")
    assert 'rel="prev"' not in march
    assert '<a rel="next" href="/kalender/2013/04/">april 2013</a>' in march
    assert '<a rel="prev" href="/kalender/2013/03/">marts 2013</a>' in april
    assert 'href="/kalender/2013/04/"' in built.read("kalender/index.html")


def test_month_grid_is_an_accessible_table_with_babels_weekday_names(built):
    html = built.read("kalender/2013/03/index.html")
    assert "<caption>Aktiviteter i marts 2013</caption>" in html
    assert re.findall(r'<th scope="col"><abbr title="(\w+)">', html) == [
        "mandag",
        "tirsdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lørdag",
        "søndag",
    ]
    rows = re.findall(r'<th scope="row" class="weekno">Uge (\d+)</th>', html)
    assert rows == ["9", "10", "11", "12", "13"]  # 25 Feb .. 31 Mar, Monday first
    assert html.count('<td class="outside" aria-hidden="true">') == 4  # 25-28 February


# --- An activity's page -----------------------------------------------------------


def test_event_page_lists_the_next_twelve_dates_of_the_expansion(built):
    html = built.read("kalender/klub/index.html")
    listed = shown(html, slug="klub")
    coming = sorted(
        (occ for occ in built.occurrences if occ.event.slug == "klub" and occ.day >= TODAY), key=lambda occ: occ.start
    )[:12]
    assert [(i["start"], i["cancelled"]) for i in listed] == [(o.start.isoformat(), o.cancelled) for o in coming]
    assert len(listed) == 12


def test_event_page_has_the_facts_the_schedule_in_words_and_links(built):
    html = built.read("kalender/klub/index.html")
    assert "hver mandag og torsdag kl. 15–17 til og med 29. april 2013, undtagen i påskeferien" in html
    assert 'href="https://www.openstreetmap.org/search?query=Lukretiavej%201%2C%202500%20Valby"' in html
    for text in (
        "Klubben, Lukretiavej 1, 2500 Valby",
        "Ungekoordinatoren, tlf. 12 34 56 78",
        '<a href="/kalender/afdeling/lukretiavej/">Lukretiavej</a>',
        '<a href="/kalender/kategori/boern-unge-og-familier/">Børn, unge og familier</a>',
        '<a href="/kalender/maalgruppe/unge/">unge</a>',
        'href="/kalender/klub.ics"',
        'href="/abonner/"',
        "Flyttet fra torsdag d. 4. april",
    ):
        assert text in html
    camp = built.read("kalender/lejr/index.html")
    assert "fredag d. 12. april 2013" not in camp.split("Hvornår:")[1].split("</p>")[0]
    assert "Hvornår:</strong> 12.–14. april 2013</p>" in camp
    assert "openstreetmap" not in camp  # no address to search for
    party = built.read("kalender/fest/index.html")
    assert '<p class="occ-flag big">Aflyst</p>' in party
    assert shown(party, slug="fest") == [
        {"slug": "fest", "cancelled": True, "day": "2013-03-20", "start": "2013-03-20T17:00:00+01:00"}
    ]


def test_event_feed_holds_the_same_dates_as_the_event_page(built):
    feed = built.output / "kalender/klub.ics"
    if not feed.exists():
        pytest.skip("feed missing")
    listed = shown(built.read("kalender/klub/index.html"), slug="klub")
    first, last = TODAY, dt.date.fromisoformat(listed[-1]["start"][:10])
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    in_feed = {
        (
            component.start.date().isoformat(),
            component.start.strftime("%H:%M"),
            str(component.get("STATUS", "")).upper() == "CANCELLED",
        )
        for component in recurring_ical_events.of(calendar).between(first, last + dt.timedelta(days=1))
    }
    on_page = {(i["start"][:10], i["start"][11:16], i["cancelled"]) for i in listed}
    assert in_feed == on_page
    assert ("2013-03-11", "15:00", True) in in_feed and ("2013-04-05", "16:00", False) in in_feed


# --- Filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, slugs",
    [
        ("kalender/afdeling/lukretiavej/", {"klub", "fest"}),
        ("kalender/afdeling/akacieparken/", {"lejr"}),
        ("kalender/kategori/boern-unge-og-familier/", {"klub"}),
        ("kalender/kategori/beboernetvaerk-inddragelse-og-demokrati/", {"lejr"}),
        ("kalender/kategori/image-og-kommunikation/", {"fest"}),
        ("kalender/maalgruppe/unge/", {"klub", "lejr", "fest"}),  # the camp is for everyone, the party for anyone
        ("kalender/maalgruppe/seniorer/", {"lejr", "fest"}),
    ],
)
def test_filter_pages_list_week_by_week_only_their_activities(built, page, slugs):
    html = built.read(page + "index.html")
    last = TODAY + dt.timedelta(weeks=8) - dt.timedelta(days=1)
    assert as_set(shown(html)) == {o for o in expected(built.occurrences, TODAY, last) if o[0] in slugs}
    assert "Uge 10 · 4.–10. marts" in html
    assert '<a href="/kalender/" aria-current="page">' not in html and 'href="/kalender/maalgruppe/boern/"' in html


def test_filter_pages_mark_themselves_and_link_their_feed(built):
    html = built.read("kalender/afdeling/lukretiavej/index.html")
    assert '<a href="/kalender/afdeling/lukretiavej/" aria-current="page">Lukretiavej</a>' in html
    assert 'href="/kalender/afdeling/lukretiavej.ics"' in html
    # an audience's page and an estate's page for one audience sit beside their feeds (the contract's URLs)
    for page in ("kalender/maalgruppe/unge/", "kalender/afdeling/lukretiavej/unge/"):
        assert f'href="/{page.rstrip("/")}.ics"' in built.read(page + "index.html")
        assert (built.output / f"{page.rstrip('/')}.ics").is_file()


# --- /abonner/ ---------------------------------------------------------------------


def test_subscribe_page_offers_webcal_https_and_google_for_every_feed(built):
    html = built.read("abonner/index.html")
    for path in (
        "kalender.ics",
        "kalender/afdeling/akacieparken.ics",
        "kalender/afdeling/lukretiavej.ics",
        "kalender/kategori/boern-unge-og-familier.ics",
        "kalender/kategori/image-og-kommunikation.ics",
    ):
        assert f'href="webcal://rumforliv.dk/{path}"' in html
        assert f'href="https://rumforliv.dk/{path}"' in html
        google = f"https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Frumforliv.dk%2F{path.replace('/', '%2F')}"
        assert f'href="{google}"' in html
        assert unquote(google.split("cid=")[1]) == f"webcal://rumforliv.dk/{path}"
    for heading in ("Tilføj til min kalender", "Android og Google Kalender", "Outlook"):
        assert f">{heading}</h2>" in html
    for path in ("kalender/maalgruppe/boern.ics", "kalender/maalgruppe/seniorer.ics"):  # the audiences too
        assert f'href="webcal://rumforliv.dk/{path}"' in html


def test_subscribe_buttons_come_before_the_qr_code(built):
    """The phone in hand: the first thing after the heading is the button that subscribes; the QR
    code is for someone reading the page on a computer."""
    for page in ("abonner/index.html", "ar/abonner/index.html"):
        html = built.read(page).split('id="indhold"')[1]
        first_link = re.search(r'<a [^>]*href="([^"]+)"', html).group(1)
        assert first_link.startswith("webcal://"), page
        assert html.index("webcal://") < html.index("<svg")
    event = built.read("kalender/klub/index.html").split('id="indhold"')[1]
    assert re.search(r'<a [^>]*href="([^"]+)"', event).group(1) == "webcal://rumforliv.dk/kalender/klub.ics"
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Frumforliv.dk%2Fkalender%2Fklub.ics" in event


def test_subscribe_page_qr_code_is_the_main_feed(built):
    html = built.read("abonner/index.html")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    expected_svg = segno.make("webcal://rumforliv.dk/kalender.ics", error="m").svg_inline(
        scale=5, border=2, title="QR-kode til kalenderen", dark="#000", light="#fff"
    )
    assert svg == expected_svg


def test_feed_links_use_siteurl_when_it_is_set(tmp_path):
    site = TinySite(tmp_path)
    site.write({"content/kalender/klub.md": CLUB}).build(today=TODAY.isoformat(), SITEURL="https://example.org")
    html = site.read("abonner/index.html")
    assert 'href="webcal://example.org/kalender.ics"' in html and "rumforliv.dk" not in html


def test_two_builds_write_byte_identical_calendar_pages(built, tmp_path):
    again = TinySite(tmp_path)
    again.write(FILES).build(today=TODAY.isoformat())
    pages = sorted(Path(p).relative_to(built.output) for p in built.output.glob("kalender/**/index.html"))
    pages.append(Path("abonner/index.html"))
    assert len(pages) > 20
    for page in pages:
        assert (again.output / page).read_bytes() == (built.output / page).read_bytes(), page


# --- A busy calendar: short month cells, the month day by day, a capped front page, markup rendered once ---------

BUSY_DAY = dt.date(2013, 3, 6)  # a Wednesday in the front page's first week
BUSY = {
    f"content/kalender/moede-{n:02d}.md": f"""
    Title: Møde nummer {n}
    Start: 2013-03-06 {8 + n}:00
    End: 2013-03-06 {9 + n}:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati
    Slug: moede-{n:02d}

    Et møde.
"""
    for n in range(1, 12)
}  # 11 meetings that day; with the club's two, 13 in the front page's week


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """The calendar with a busy day, built with each occurrence's renders counted."""
    from rumforliv.site import calendar_pages

    site = TinySite(tmp_path_factory.mktemp("busy"))
    site.write({**FILES, **BUSY})
    renders = []
    original = calendar_pages.render_item

    def counted(context, occ, variant, lang, when=None):
        renders.append(calendar_pages.occurrence_key(occ, variant, lang))
        return original(context, occ, variant, lang, when)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(calendar_pages, "render_item", counted)
        # one process renders every page: with two, the renders the forked child does are not counted here,
        # and which pages it takes depends on timing
        site.build(today=TODAY.isoformat(), RENDER_WORKERS=1)
    site.renders = renders
    return site


def cell(html: str, day: dt.date) -> str:
    return re.search(rf'<td data-date="{day.isoformat()}">(.*?)</td>', html, re.S).group(1)


def test_a_busy_day_shows_three_and_links_to_its_part_of_the_month_day_by_day(busy):
    html = cell(busy.read("kalender/2013/03/index.html"), BUSY_DAY)
    assert re.findall(r'<li><a href="/kalender/(moede-\d+)/">', html) == ["moede-01", "moede-02", "moede-03"]
    assert (
        '<a href="dage/#6">+8 flere<span> aktiviteter onsdag d. 6. marts</span></a>' in html
    )  # the link's name makes sense on its own; relative: /kalender/2013/03/dage/#6
    days = busy.read("kalender/2013/03/dage/index.html")
    part = re.search(r'<section class="days" id="6" data-date="2013-03-06">(.*?)</section>', days, re.S).group(1)
    that_day = [item["slug"] for item in shown(days) if item["day"] == "2013-03-06"]
    assert that_day == [item["slug"] for item in shown(part)] == [f"moede-{n:02d}" for n in range(1, 12)]
    assert "<h2>Onsdag d. 6. marts 2013</h2>" in part
    assert '<span class="occ-place"><bdi>Beboerhuset' in part  # the full form, with the place
    assert "<h1>Aktiviteter i marts 2013</h1>" in days
    assert 'href="/kalender/2013/03/">Se hele marts 2013</a>' in days


def test_every_calendar_link_of_a_busy_month_grid_lands_on_a_page_and_its_part(busy):
    from urllib.parse import urljoin, urlsplit

    page, checked = "/kalender/2013/03/", 0
    for href in re.findall(r'href="([^"]+)"', busy.read("kalender/2013/03/index.html")):
        target = urlsplit(urljoin(page, href))  # as a browser resolves it: some are relative
        if not target.path.startswith("/kalender/") or target.path.endswith(".ics"):
            continue  # the menu's other sections are not in this small site
        checked += 1
        html = busy.read(target.path.lstrip("/") + ("index.html" if target.path.endswith("/") else ""))
        assert not target.fragment or f'id="{target.fragment}"' in html, href
    assert checked > 10


def test_the_month_day_by_day_holds_every_day_with_activities_in_order(busy):
    march = busy.read("kalender/2013/03/index.html")
    days = busy.read("kalender/2013/03/dage/index.html")
    listed = re.findall(r'<section class="days" id="\d+" data-date="([\d-]+)"', days)
    assert listed == sorted(re.findall(r'<td data-date="([\d-]+)">', march))  # the grid's days that have any
    in_grid = march.split("<tbody>")[1].split("</tbody>")[0].count("<li")
    more = sum(int(n) for n in re.findall(r">\+(\d+) fler", march))
    assert len(listed) > 1 and len(shown(days)) == in_grid + more == in_grid + 8  # every day, every activity


def test_a_quiet_month_has_no_day_by_day_page(busy):
    march = busy.read("kalender/2013/03/index.html")
    assert "+" not in cell(march, dt.date(2013, 3, 7))  # the club alone
    pages = sorted(
        p.parent.relative_to(busy.output).as_posix() for p in busy.output.glob("kalender/[0-9]*/*/*/index.html")
    )
    assert pages == ["kalender/2013/03/dage"]
    assert not list(busy.output.glob("kalender/[0-9]*/[0-9]*/[0-9]*/"))  # no folder for a day


def test_four_on_a_day_say_one_more():
    from rumforliv.site.calendar_pages import Cell

    four = Cell(BUSY_DAY, True, ["a", "b", "c", "d"])
    assert (four.shown, four.more, four.more_link) == (["a", "b", "c"], 1, "dage/#6")
    assert Cell(BUSY_DAY, True, ["a", "b", "c"]).more == 0


def test_front_page_shows_ten_and_links_to_the_calendar_with_the_count(busy):
    for page, link in (("index.html", "/kalender/"), ("en/index.html", "/en/kalender/")):
        html = busy.read(page)
        agenda = html.split('id="naeste-7-dage"')[1].split("</section>")[0]
        assert agenda.count("<li") == 10, page
        assert f'href="{link}">' in agenda
    assert ">Se alle 13 aktiviteter de næste 7 dage i kalenderen</a>" in busy.read("index.html")
    assert ">See all 13 activities of the next 7 days in the calendar</a>" in busy.read("en/index.html")


def test_front_page_of_a_quiet_week_keeps_its_plain_link(built):
    assert ">Se alle aktiviteter i kalenderen</a>" in built.read("index.html")


def test_a_weekly_activitys_items_are_rendered_once_and_each_keeps_its_own_date(busy):
    """A series' items differ only in their datetime attribute: one rendering serves them all, and each
    item still says when it is."""
    club = [key for key in busy.renders if key[0].endswith("klub.md") and key[-2:] == ("full", "da")]
    assert len(club) == 3  # as it is every Monday and Thursday 15-17, cancelled once, moved once
    days = busy.read("kalender/2013/03/dage/index.html")
    items = re.findall(r'<li class="occ">\s*<time class="occ-time" datetime="([^"]+)">kl\. 15–17</time>', days)
    assert len(items) > 4 and len(set(items)) == len(items)
    assert all(dt.datetime.fromisoformat(item).weekday() in (0, 3) for item in items)  # Monday, Thursday


def test_each_occurrence_is_rendered_once_and_the_same_everywhere(busy):
    assert busy.renders and len(busy.renders) == len(set(busy.renders))  # never twice
    item = re.compile(r'<li class="occ">\s*<time class="occ-time" datetime="2013-03-06T10:00:00\+01:00">.*?</li>', re.S)
    week, day = busy.read("kalender/index.html"), busy.read("kalender/2013/03/dage/index.html")
    estate = busy.read("kalender/afdeling/akacieparken/index.html")
    assert item.search(week).group(0) == item.search(day).group(0) == item.search(estate).group(0)
    full = [key for key in busy.renders if key[0].endswith("moede-02.md") and key[-2] == "full" and key[-1] == "da"]
    assert len(full) == 1  # shown on four pages (week list, month day by day, estate, category), rendered once
