"""Stairwell posters: one A4 page per estate and month, for the boards every resident passes.

`make_poster` picks the month's occurrences of one estate from the one
expansion and lays them out as lines: every date when they fit on the page,
else each weekly activity as one line in words ("hver tirsdag kl. 10–12")
with its cancelled and moved dates, and the one-off events by date.
`PosterPress` prints them with WeasyPrint and the theme's fonts (a letter
missing from them stops the build, as in the newsletter); A3 is the same
layout at √2 the size.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import segno
from babel.dates import format_date
from markupsafe import Markup

from rumforliv.build.logs import every_record
from rumforliv.build.store import Shelf
from rumforliv.content.slugs import slugify
from rumforliv.newsletter.issues import (
    NewsletterError,
    NotdefCatcher,
    check_fonts,
    content_fetcher,
    occurrences_between,
    place_of,
    site_url,
)
from rumforliv.wording.catalogues import N_, translate
from rumforliv.wording.pictograms import category_pictogram
from rumforliv.wording.text import day_of
from rumforliv.wording.words import (
    clock_words,
    day_heading,
    day_month,
    exceptions,
    first_upper,
    frequency,
    join_words,
    moved_from,
    span,
)

POSTER_ROWS = 9  # lines that fit on A4 at the poster's type size; more, and weekly activities become words
SIZES = {"A4": 1.0, "A3": 2**0.5}  # A3 is A4 scaled by √2
CACHE_FORMAT = "3"
INVITATION = N_("Aktiviteter denne måned: scan koden for mere.")


@dataclass
class PosterLine:
    """One line on the poster: when in bold, what, where; marked when called off or moved."""

    when: str
    title: str
    place: str
    pictogram: Markup
    cancelled: bool = False
    note: str = ""  # "Flyttet fra mandag d. 4. marts"
    changes: list[str] = field(default_factory=list)  # a weekly line's cancelled and moved dates


@dataclass
class Invitation:
    """The line in one of the plan's other languages: what this is and where to read more."""

    lang: str
    text: str
    rtl: bool


@dataclass
class Poster:
    estate: str
    month: dt.date  # its first day
    lines: list[PosterLine]
    summarised: bool
    url: str  # the estate's calendar page, absolute: the QR code's target
    invitations: list[Invitation]
    size: str = "A4"
    more: bool = False  # lines left out for want of room: the poster says the website has them

    @property
    def estate_slug(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def save_as(self) -> str:
        """The contract's address: opslag/2013-06-akacieparken.pdf (A3: ...-a3.pdf)."""
        suffix = "" if self.size == "A4" else f"-{self.size.lower()}"
        return f"opslag/{self.month:%Y-%m}-{self.estate_slug}{suffix}.pdf"

    @property
    def month_name(self) -> str:
        return format_date(self.month, "LLLL y", locale="da")

    @property
    def shown_url(self) -> str:
        return self.url.split("://", 1)[-1].rstrip("/")

    @property
    def qr_svg(self) -> str:
        return poster_qr(self.url)


@functools.lru_cache(maxsize=64)  # the same few addresses every build of `invoke vis`
def poster_qr(url: str) -> str:
    """Big, black on white, error correction high enough for a worn copy."""
    return segno.make(url, error="q", micro=False).svg_data_uri(scale=10, border=4)


def month_last(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def poster_months(today: dt.date, count: int) -> list[dt.date]:
    """This month and the ones after it: what the caretakers print now and next."""
    months, first = [], today.replace(day=1)
    for _ in range(count):
        months.append(first)
        first = month_last(first) + dt.timedelta(days=1)
    return months


def estate_page(estate: str, settings: dict) -> str:
    return f"{site_url(settings)}/kalender/afdeling/{slugify(estate, settings)}/"


def make_poster(
    context: dict, settings: dict, estate: str, month: dt.date, size: str = "A4", summarise: bool = False
) -> Poster:
    """The month's activities in one estate, as the poster shows them (`summarise`: weekly ones in words)."""
    first, last = month, month_last(month)
    occurrences = [
        occ
        for occ in occurrences_between(context, first, last)
        if estate in occ.event.estates  # a called-off event stays, marked: last month's poster may have shown it
    ]
    summarised = summarise or len(occurrences) > POSTER_ROWS
    lines = summary_lines(occurrences, settings, first, last) if summarised else dated_lines(occurrences, settings)
    url = estate_page(estate, settings)
    return Poster(estate, month, lines, summarised, url, invitations(estate, url, settings), size)


def dated_lines(occurrences, settings: dict) -> list[PosterLine]:
    """Every date on a line of its own."""
    return [
        PosterLine(
            when=occurrence_when(occ),
            title=occ.event.title,
            place=place_of(occ.event),
            pictogram=pictogram_of(occ.event, settings),
            cancelled=occ.cancelled,
            note=f"Flyttet fra {moved_from(occ)}" if occ.moved else "",
        )
        for occ in occurrences
    ]


def summary_lines(occurrences, settings: dict, first: dt.date, last: dt.date) -> list[PosterLine]:
    """Each repeating activity in words with its changes; one-off events keep their dates."""
    weekly: dict[object, list] = {}
    lines = []
    for occ in occurrences:
        if occ.event.schedule.rule:
            weekly.setdefault(occ.event, []).append(occ)
        else:
            lines.extend(dated_lines([occ], settings))
    ordered = sorted(weekly.items(), key=lambda item: week_order(*item))
    regular = [
        PosterLine(
            when=first_upper(month_words(event, occs, settings, first, last)),
            title=event.title,
            place=place_of(event),
            pictogram=pictogram_of(event, settings),
            cancelled=all(occ.cancelled for occ in occs),
            changes=[] if all(occ.cancelled for occ in occs) else changes_of(occs),
        )
        for event, occs in ordered
    ]
    return regular + lines


def week_order(event, occurrences):
    """Monday's activities first, then by the time of day."""
    start = event.schedule.start
    clock = start.time() if isinstance(start, dt.datetime) else dt.time()
    return min(occ.original_start.weekday() for occ in occurrences), clock, event.title


def month_words(event, occurrences, settings: dict, first: dt.date, last: dt.date) -> str:
    """'hver tirsdag kl. 10–12, undtagen i påskeferien': the month's part of the schedule; an end or a start
    within the month is said ('til og med 4. juni'), a series that runs on for years is not."""
    schedule = event.schedule
    how = frequency(schedule)
    if how is None:  # a rule words cannot say: the month's dates
        return join_words([day_month(occ.day) for occ in occurrences])
    words = [how]
    if not schedule.all_day:
        words.append(clock_words(schedule))
    begins, ends = day_of(schedule.start), schedule.last_slot_day
    if ends and ends <= last:
        words.append(f"til og med {day_month(ends)}")
    elif begins >= first:
        words.append(f"fra {day_month(begins)}")
    skipped = exceptions(schedule, settings, first, last)
    text = " ".join(word for word in words if word)
    return f"{text}, {skipped}" if skipped else text


def changes_of(occurrences) -> list[str]:
    """'Aflyst mandag d. 4. marts', 'Flyttet fra onsdag d. 6. marts til torsdag d. 7. marts kl. 15–17'."""
    found = []
    for occ in occurrences:
        if occ.cancelled:
            found.append(f"Aflyst {day_heading(occ.original_start)}")
        elif occ.moved:
            found.append(f"Flyttet fra {moved_from(occ)} til {occurrence_when(occ, lower=True)}")
    return found


def occurrence_when(occ, lower: bool = False) -> str:
    """'Tirsdag d. 4. juni kl. 10–12' (all-day: just the day)."""
    day = day_heading(occ.day) if lower else first_upper(day_heading(occ.day))
    hours = span(occ)
    if not hours:
        return day
    return f"{day} kl. {hours}" if not occ.all_day else f"{day}, {hours}"


def pictogram_of(event, settings: dict) -> Markup:
    category = getattr(event, "category", None)
    return category_pictogram(category, settings, size=40) if category else Markup("")


def invitations(estate: str, url: str, settings: dict) -> list[Invitation]:
    """One line in each of the plan's other languages (untranslated ones are left out, not shown in Danish)."""
    rtl = settings.get("RTL_LANGUAGES", ())
    found = []
    for lang in settings.get("LANGUAGES", []):
        if lang == settings.get("DEFAULT_LANG", "da"):
            continue
        text = translate(lang, INVITATION)
        if text == INVITATION:
            continue
        found.append(Invitation(lang, text, lang in rtl))
    return found


# --- Printing -------------------------------------------------------------------


@dataclass
class Printed:
    data: bytes
    pages: int
    fitting: int  # the poster's lines that are whole on its first page


def lines_on_first_page(document) -> int:
    """How many of the poster's lines WeasyPrint put on the first page: each line has an anchor
    (`linje-3`) and is never split across pages (opslag.css)."""
    return sum(1 for anchor in document.pages[0].anchors if anchor.startswith("linje-"))


class PosterPress:
    """Prints posters; WeasyPrint and the fonts are loaded on the first poster that is not in the cache."""

    def __init__(self, settings: dict):
        theme = Path(settings["THEME"])
        self.stylesheet = (
            theme / "print" / "opslag" / "opslag.css"
        )  # in a folder: the newsletter takes every print/*.css
        self.fonts = theme / "fonts"
        self.content = Path(settings["PATH"]).resolve()
        self.kept = Shelf(Path(settings.get("CACHE_PATH", "cache")) / "posters")
        self._weasy = None

    def key(self, html: str, size: str) -> str:
        """What the PDF depends on: its HTML, the CSS, the fonts, the size and WeasyPrint's version."""
        from importlib.metadata import version  # not `import weasyprint`: 0.5 s a rebuild that prints nothing

        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{size}\0{version('weasyprint')}\0{html}".encode())
        digest.update(self.stylesheet.read_bytes())
        for font in sorted(self.fonts.glob("*.ttf")):
            digest.update(font.name.encode() + str(font.stat().st_size).encode())
        return digest.hexdigest()[:32]

    def pdf(self, html: str, size: str = "A4") -> Printed:
        """The PDF, its page count and the lines on its first page; from the shelf when the same HTML was
        printed before (the counts are kept beside it, so a rebuild need not parse the PDF)."""
        key = self.key(html, size)
        kept = self.kept.get_files(key)
        if kept is not None:
            return Printed(kept["pdf"], int(kept["pages"]), int(kept["fitting"]))
        printed = self.render(html, size, key)
        counts = {"pages": str(printed.pages).encode(), "fitting": str(printed.fitting).encode()}
        self.kept.put_files(key, {"pdf": printed.data, **counts})
        return printed

    def render(self, html: str, size: str, key: str) -> Printed:
        from pypdf import PdfReader  # late, as WeasyPrint: a rebuild takes its posters from the cache

        weasyprint, fonts, sheet, fetcher = self.weasy()
        catcher = NotdefCatcher()
        weasy_logger = every_record(logging.getLogger("weasyprint"))
        weasy_logger.addHandler(catcher)
        try:
            document = weasyprint.HTML(string=html, base_url=self.content.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=[sheet], font_config=fonts
            )
            data = document.write_pdf(zoom=SIZES[size], pdf_identifier=f"opslag-{key}".encode())
        finally:
            weasy_logger.removeHandler(catcher)
        if catcher.messages:
            raise NewsletterError(
                "Nogle tegn findes ikke i skrifttyperne i theme/fonts og ville blive trykt som tomme firkanter.\n"
                + "\n".join(catcher.messages)
            )
        check_fonts(PdfReader(io.BytesIO(data)))  # only the theme's fonts: a system font differs between machines
        return Printed(data, len(document.pages), lines_on_first_page(document))

    def weasy(self):
        if self._weasy is None:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

            fonts = FontConfiguration()
            sheet = weasyprint.CSS(filename=str(self.stylesheet), font_config=fonts)
            self._weasy = (weasyprint, fonts, sheet, content_fetcher(self.content))
        return self._weasy
