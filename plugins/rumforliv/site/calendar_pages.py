"""Calendar pages: week list, month grids, busy months day by day, one page per activity, filters, /abonner/.

Every page reads the one expansion in `context["occurrences"]` (translations
and drafts, which it does not hold, are expanded by the same Schedule code).
The shapes the templates loop over (weeks, days, grid cells) are built here,
so the templates only loop.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

import segno
from babel.dates import get_day_names
from jinja2 import pass_context
from markupsafe import Markup

from rumforliv.calendar.recurrence import on_days
from rumforliv.ical import feeds
from rumforliv.site.i18n import lang_of
from rumforliv.wording.text import slugify
from rumforliv.wording.words import moved_from, span

WEEKS_AHEAD = 8  # /kalender/ and the filter pages
DAY_LIMIT = 3  # occurrences a month grid's day shows; every one is on the month's day-by-day page
EVENT_DATES = 12  # coming dates listed on an activity's page


# --- Shapes the templates loop over ------------------------------------------


@dataclass
class Day:
    date: dt.date
    occurrences: list = field(default_factory=list)


@dataclass
class Week:
    first: dt.date  # Monday
    days: list[Day] = field(default_factory=list)  # only days with something on

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=6)

    @property
    def number(self) -> int:
        """The ISO week: Danes name weeks this way ("uge 10")."""
        return self.first.isocalendar().week


@dataclass
class Cell:
    """One day of a month grid; days of the neighbouring months stay empty."""

    date: dt.date
    in_month: bool
    occurrences: list = field(default_factory=list)

    @property
    def shown(self) -> list:
        return self.occurrences[:DAY_LIMIT]

    @property
    def more(self) -> int:
        """How many are left for the month's day-by-day page: a busy day keeps the grid short."""
        return max(0, len(self.occurrences) - DAY_LIMIT)

    @property
    def more_link(self) -> str:
        """The day's part of the month's day-by-day page, relative to the month grid: a busy month
        has dozens of these links, and the grid must stay light."""
        return f"{DAYS_FOLDER}#{self.date.day}"


DAYS_FOLDER = "dage/"  # in the month's folder: the month day by day


@dataclass
class Row:
    number: int  # the ISO week, as Danes name weeks
    cells: list[Cell]


@dataclass
class Month:
    first: dt.date  # the 1st

    @property
    def url(self) -> str:
        return f"kalender/{self.first:%Y}/{self.first:%m}/"

    @property
    def days_url(self) -> str:
        """Every activity of the month, day by day: one page, not a folder and file for each busy day."""
        return f"{self.url}{DAYS_FOLDER}"


@dataclass
class Filter:
    """One static filter page, beside its feed: /kalender/afdeling/akacieparken/ (afdeling/akacieparken.ics),
    /kalender/maalgruppe/boern/, /kalender/afdeling/lukretiavej/boern/ ..."""

    kind: str  # "afdeling", "kategori", "maalgruppe" (AUDIENCE)
    name: str
    slug: str
    matches: object = field(compare=False)  # event -> bool
    audience: str = ""  # an estate's page for one audience: "børn"

    @property
    def url(self) -> str:
        return f"kalender/{self.kind}/{self.slug}/"

    @property
    def feed(self) -> str:
        """Every filter page has its feed, at the page's address with .ics (the contract's URLs)."""
        return f"kalender/{self.kind}/{self.slug}.ics"


AUDIENCE = feeds.AUDIENCE_FEEDS.removeprefix("kalender/")  # "maalgruppe": an audience's page sits beside its feed


# --- Occurrences by day ------------------------------------------------------


ONE_DAY = dt.timedelta(days=1)


def by_day(occurrences) -> dict[dt.date, list]:
    """Each day -> the occurrences on it; a multi-day event appears on every one of its days."""
    days = defaultdict(list)
    for occ in occurrences:
        day, last = occ.day, occ.last_day
        days[day].append(occ)
        while day < last:
            day += ONE_DAY
            days[day].append(occ)
    return days


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks(occurrences, today: dt.date, count: int = WEEKS_AHEAD) -> list[Week]:
    """`count` weeks from today's week; only days from today on with something on them."""
    index = by_day(coming(occurrences, today, count))
    result = []
    for number in range(count):
        week = Week(monday(today) + dt.timedelta(weeks=number))
        for offset in range(7):
            day = week.first + dt.timedelta(days=offset)
            if day >= today and index.get(day):
                week.days.append(Day(day, index[day]))
        result.append(week)
    return result


def coming(occurrences, today: dt.date, count: int = WEEKS_AHEAD) -> list:
    """Those on a day from today to the end of the `count`th week (the week lists show no more)."""
    return on_days(occurrences, today, monday(today) + dt.timedelta(weeks=count) - ONE_DAY)


def months(window: tuple[dt.date, dt.date]) -> list[Month]:
    first, last = window
    result, month = [], first.replace(day=1)
    while month <= last:
        result.append(Month(month))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result


def month_grid(index: dict[dt.date, list], month: Month) -> list[Row]:
    """One row of seven cells per week, Monday first."""
    rows = calendar.Calendar(firstweekday=0).monthdatescalendar(month.first.year, month.first.month)
    return [
        Row(
            row[0].isocalendar().week,
            [
                Cell(day, day.month == month.first.month, index.get(day, []) if day.month == month.first.month else [])
                for day in row
            ],
        )
        for row in rows
    ]


def weekday_names(lang: str = "da") -> list[tuple[str, str]]:
    """(short, full) names Monday..Sunday, from Babel."""
    short, full = get_day_names("abbreviated", locale=lang), get_day_names("wide", locale=lang)
    return [(short[i].rstrip("."), full[i]) for i in range(7)]


# --- Each occurrence's markup, rendered once per build --------------------------

OCCURRENCE_TEMPLATE = "partials/occurrence.html"
VARIANTS = {"full": ("occurrence", {}), "dated": ("occurrence", {"show_title": False}), "compact": ("compact", {})}
GAP = "\ue000"  # a private-use character, written where each occurrence's own start goes (`occurrence_item`)
MARKUP_CACHE = "occurrence_markup"  # the build's cache, in the shared context (SiteGenerator.generate_context)


def new_markup_cache(context: dict) -> None:
    """One cache per build: Pelican shares this context dict between generators and drops it after."""
    context[MARKUP_CACHE] = {}


def occurrence_key(occ, variant: str, lang: str) -> tuple:
    """What an occurrence's list item shows, but for its start in the <time> element's datetime attribute:
    its event (the file, so a translation differs), its status, its time and where it was moved from as
    the macros word them, the form and the page's language (everything else is the build's settings)."""
    return (
        occ.event.source_path,
        occ.event.lang,
        occ.cancelled,
        occ.all_day,
        span(occ, lang),
        moved_from(occ, lang) if occ.moved else None,
        variant,
        lang,
    )


@pass_context
def occurrence_item(context, occ, variant: str = "full"):
    """`{{ occ|occurrence_item }}`: the occurrence's <li>, rendered the first time and reused after.

    The same occurrence is shown on the week list, the filter pages and a day
    page, and a weekly activity's items differ only in their datetime
    attribute: rendering the macro each time was a large part of a build.
    """
    lang = lang_of(context)
    cache = context.get(MARKUP_CACHE)
    if cache is None:  # a template rendered outside a build (tests of single templates)
        return render_item(context, occ, variant, lang)
    key = occurrence_key(occ, variant, lang)
    parts = cache.get(key)
    if parts is None:
        parts = cache[key] = str(render_item(context, occ, variant, lang, when=GAP)).split(GAP)
    if len(parts) > 2:  # the gap's character in the text itself: this item is rendered whole each time
        return render_item(context, occ, variant, lang)
    own = occ.start.isoformat()  # as the iso filter writes it (digits, "-", ":", "+" and "T": nothing to escape)
    return Markup(own.join(parts))


@pass_context
def event_part(context, event, part: str):
    """`{{ occ.event|event_part("place") }}`: a piece of an item that only its event decides (title
    link, place), rendered once for all of a weekly activity's occurrences."""
    lang = lang_of(context)
    cache = context.get(MARKUP_CACHE)
    key = ("event", event.source_path, event.lang, part, lang)
    found = cache.get(key) if cache is not None else None
    if found is None:
        found = getattr(macros(context, lang), part)(event)
        if cache is not None:
            cache[key] = found
    return found


def render_item(context, occ, variant: str, lang: str, when: str | None = None):
    """The item's markup; with `when`, that text in its datetime attribute instead of the start."""
    macro, arguments = VARIANTS[variant]
    if when is not None and macro == "occurrence":
        arguments = {**arguments, "when": when}
    return getattr(macros(context, lang), macro)(occ, **arguments)


def macros(context, lang: str):
    """partials/occurrence.html's macros, in a module that knows only what they read (and the cache)."""
    cache = context.get(MARKUP_CACHE)
    env = context.environment
    key = ("module", id(env), lang)
    module = cache.get(key) if cache is not None else None
    if module is None:
        names = ("SITEURL", "DEFAULT_LANG", "RTL_LANGUAGES", "LANGUAGES", MARKUP_CACHE)
        module = env.get_template(OCCURRENCE_TEMPLATE).make_module(
            {"page_lang": lang, **{name: context.get(name) for name in names}}
        )
        if cache is not None:
            cache[key] = module
    return module


FILTERS = {"occurrence_item": occurrence_item, "event_part": event_part}


# --- Filters -----------------------------------------------------------------


for_audience = feeds.for_audience  # the feeds and the filter pages choose alike


def filters(settings: dict) -> dict[str, list[Filter]]:
    """Every filter page, grouped as the pages show them."""

    def make(kind, names, matcher):
        return [Filter(kind, name, slugify(name, settings), matcher(name)) for name in names]

    estates = make("afdeling", settings["ESTATES"], lambda name: lambda e: name in e.estates)
    return {
        "afdeling": estates,
        "kategori": make("kategori", settings["CATEGORIES"], lambda name: lambda e: str(e.category) == name),
        AUDIENCE: make(AUDIENCE, settings["AUDIENCES"], for_audience),
        "afdeling_maalgruppe": [
            Filter(
                "afdeling",
                estate.name,
                f"{estate.slug}/{slugify(audience, settings)}",
                both(estate.matches, for_audience(audience)),
                audience,
            )
            for estate in estates
            for audience in settings["AUDIENCES"]
        ],
    }


def both(first, second):
    return lambda event: first(event) and second(event)


# --- An activity's page ------------------------------------------------------

POSTCODE = re.compile(r"^\d{4} ")


def map_query(location: str) -> str | None:
    """The searchable address in a location: the part before the postcode and the postcode.

    'Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby' -> 'Carl Th. Dreyersvej 248, 2500 Valby';
    None when there is no postcode to find ("oplyses ved tilmelding").
    """
    parts = [part.strip() for part in location.split(" – ")[0].split(",")]
    for index, part in enumerate(parts):
        if POSTCODE.match(part) and index > 0:
            return f"{parts[index - 1]}, {part}"
    return None


@functools.lru_cache(maxsize=256)  # a handful of places, each on hundreds of activities' pages
def map_url(location: str) -> str | None:
    query = map_query(location)
    return f"https://www.openstreetmap.org/search?query={quote(query)}" if query else None


def coming_dates(event, context: dict, today: dt.date) -> list:
    """The event's occurrences still to come (those ending today included)."""
    found = context["occurrences_by_event"].get(event)  # indexed once in events.py, not scanned per page
    if found is None:  # translations and drafts are not in the shared expansion (nor what it does not reach)
        found = event.occurrences(*context["calendar_window"])
    return [occ for occ in found if occ.last_day >= today]


# --- /abonner/ ---------------------------------------------------------------


def site_base(settings: dict) -> str:
    """Absolute: a webcal:// link cannot be relative."""
    return (settings.get("SITEURL") or settings["PUBLISH_SITEURL"]).rstrip("/")


@dataclass
class Feed:
    name: str
    https: str
    kind: str = ""  # AUDIENCE: named "For børn" on /abonner/

    @property
    def webcal(self) -> str:
        return "webcal://" + self.https.split("://", 1)[1]

    @property
    def google(self) -> str:
        return "https://calendar.google.com/calendar/r?cid=" + quote(self.webcal, safe="")


@pass_context
def subscription(context, path: str) -> Feed:
    """`{{ "kalender/lektiecafe.ics"|subscription }}`: the feed's webcal and Google links."""
    return Feed("", f"{site_base(context)}/{path}")


FILTERS["subscription"] = subscription


def subscriptions(settings: dict) -> list[Feed]:
    base = site_base(settings)
    groups = filters(settings)
    chosen = [Feed("Alle aktiviteter", f"{base}/kalender.ics")]
    chosen += [Feed(f.name, f"{base}/{f.feed}") for f in groups["afdeling"] + groups["kategori"]]
    chosen += [Feed(f.name, f"{base}/{f.feed}", kind=AUDIENCE) for f in groups[AUDIENCE]]
    return chosen


@dataclass(frozen=True)
class QRCode:
    """A QR code for `url`, drawn as inline SVG only when a page shows it (`{{ qr|safe }}`): a rebuild
    keeps the subscribe pages of every language without drawing theirs again."""

    url: str
    segno: str = segno.__version__  # a page memo key: another segno may draw it otherwise

    def __html__(self) -> str:
        code = segno.make(self.url, error="m")  # deterministic: same URL, same bytes
        return code.svg_inline(scale=5, border=2, title="QR-kode til kalenderen", dark="#000", light="#fff")


# --- Writing -----------------------------------------------------------------


def write_all(generator, writer, lang: str | None = None, occurrences=None, events=None):
    """Write every calendar page from the one expansion in the context: the Danish pages, or with `lang`
    the same pages under /<lang>/ (`occurrences` in that language; `events`: the Danish ones that have
    no translation into it, whose pages show the Danish text there)."""
    context, settings = generator.context, generator.settings
    today = settings["TODAY"]
    occurrences = context["occurrences"] if occurrences is None else occurrences
    prefix = f"{lang}/" if lang else ""
    groups = filters(settings)
    all_months = months(context["calendar_window"])

    def write(save_as, template, url, **values):
        if lang:
            save_as, url, values = prefix + save_as, prefix + url, {**values, "page_lang": lang}
        writer.write_file(save_as, generator.get_template(template), context, url=url, relative_urls=False, **values)

    common = {"filter_groups": groups, "months": [m for m in all_months if m.first >= today.replace(day=1)]}
    soon = coming(occurrences, today)
    write("kalender/index.html", "calendar", "kalender/", weeks=weeks(soon, today), chosen=None, **common)
    for group in groups.values():
        for chosen in group:
            shown = [occ for occ in soon if chosen.matches(occ.event)]
            write(
                f"{chosen.url}index.html",
                "calendar_filter",
                chosen.url,
                weeks=weeks(shown, today),
                chosen=chosen,
                **common,
            )
    write_months(write, occurrences, all_months, lang or settings["DEFAULT_LANG"])
    if lang:
        write_event_pages(writer, generator, context, today, events or [], lang)
    else:
        write_events(write, context, today)
        chosen = subscriptions(settings)
        write(
            "abonner/index.html",
            "abonner",
            "abonner/",
            feeds=chosen,
            qr=QRCode(chosen[0].webcal),
            site_base=site_base(settings),
        )


def write_months(write, occurrences, all_months: list[Month], lang: str = "da") -> None:
    index = by_day(occurrences)
    names = weekday_names(lang)
    for number, month in enumerate(all_months):
        grid = month_grid(index, month)
        write(
            f"{month.url}index.html",
            "calendar_month",
            month.url,
            month=month,
            grid=grid,
            weekdays=names,
            previous=all_months[number - 1] if number else None,
            next=all_months[number + 1] if number + 1 < len(all_months) else None,
        )
        write_days(write, month, grid)


def write_days(write, month: Month, grid: list[Row]) -> None:
    """The month day by day, every occurrence in full, when a day was too busy for its cell (which links
    to its part); a quiet month needs no such page."""
    cells = [cell for row in grid for cell in row.cells if cell.in_month and cell.occurrences]
    if any(cell.more for cell in cells):
        write(
            f"{month.days_url}index.html",
            "calendar_days",
            month.days_url,
            month=month,
            days=[(cell.date, cell.occurrences) for cell in cells],
        )


def write_events(write, context: dict, today: dt.date) -> None:
    groups = None
    for event in context["events"] + context["event_translations"] + context["draft_events"]:
        groups = groups or filters(event.settings)  # the same for every event: made once, not per page
        write(event.save_as, event.template, event.url, **event_values(event, context, today, groups))


def write_event_pages(writer, generator, context: dict, today: dt.date, events, lang: str) -> None:
    """Danish activities without a translation into `lang`, at /<lang>/kalender/<slug>/: the page's own
    words in `lang`, the activity's text in Danish (base.html says so)."""
    groups = filters(generator.settings)
    for event in events:
        writer.write_file(
            f"{lang}/{event.save_as}",
            generator.get_template(event.template),
            context,
            url=f"{lang}/{event.url}",
            relative_urls=False,
            page_lang=lang,
            **event_values(event, context, today, groups),
        )


def event_values(event, context: dict, today: dt.date, groups: dict) -> dict:
    """What an activity's page shows beyond the event itself."""
    location = getattr(event, "location", "")
    return {
        "event": event,
        "coming": coming_dates(event, context, today)[:EVENT_DATES],
        "map_url": map_url(location),
        "feed": None if event.status == "draft" else event.url.rstrip("/") + ".ics",  # drafts have no feed
        "links": event_links(event, groups),
    }


def event_links(event, groups: dict[str, list[Filter]]) -> dict[str, list[Filter]]:
    """The filter pages naming this event's own estates, focus area and audiences."""
    own = {
        "afdeling": set(event.estates),
        "kategori": {str(getattr(event, "category", ""))},
        AUDIENCE: set(event.audiences),
    }
    return {kind: [f for f in groups[kind] if f.name in names] for kind, names in own.items()}
