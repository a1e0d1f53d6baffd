"""The quarterly newsletter: issues in newsletter/<year>-<n>/ become PDFs and web pages.

`generate_context` builds one `NewsletterIssue` per folder: its editorial and
sections, the news published since the previous issue and the calendar of
the covered period (from the one expansion in recurrence.py).
`generate_output` hands every issue to be printed as three PDFs to a pool of
two worker processes (WeasyPrint loaded once per worker, fonts shared by its
issues), which print while the site's pages are written; then it writes the
issues' web pages and the archive. An issue whose HTML, CSS, fonts and images
are unchanged is copied from the cache instead of being rendered again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import importlib.metadata
import io
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import segno
from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from pelican.generators import Generator

from rumforliv.build import memo, parallel
from rumforliv.build.logs import every_record
from rumforliv.build.store import Shelf
from rumforliv.build.trust import code_fingerprint
from rumforliv.calendar.recurrence import expand, on_days
from rumforliv.content import schema
from rumforliv.content.markup import render_markdown
from rumforliv.wording.catalogues import N_, translate
from rumforliv.wording.pictograms import category_pictogram, pictogram, section_pictogram

if TYPE_CHECKING:
    from pypdf import PdfReader

logger = every_record(logging.getLogger(__name__))

ISSUE_FOLDER = re.compile(r"(\d{4})-(\d{1,2})")
# The season an issue is named by, from its month; translated in the catalogues ("Forår" -> "Spring").
WINTER, SPRING, SUMMER, AUTUMN = N_("Vinter"), N_("Forår"), N_("Sommer"), N_("Efterår")
SEASONS = {month: season for months, season in (((12, 1, 2), WINTER), ((3, 4, 5), SPRING),
           ((6, 7, 8), SUMMER), ((9, 10, 11), AUTUMN)) for month in months}  # fmt: skip
# Pages of planned content laid out once after the calendar (the fridge's week plan, the issue in the
# other languages, the children's page); as many as make a multiple of 4 are kept, never a blank page.
FILLERS = ("ugeplan", "sprog", "maaneder", "boernehjoernet")
PX_PER_MM = 96 / 25.4
MOSTLY_EMPTY = 100 * PX_PER_MM  # more room than this left on the calendar's last page (of 178 mm) wastes it
KIDS_TEXT_HEIGHT = 64 * PX_PER_MM  # the children's page without its drawing frame, with room to spare
KIDS_INLINE = (
    ".kids-inline {{ display: block !important }} .kids-inline .drawing {{ height: {drawing:.0f}px !important }} "
    ".filler-boernehjoernet {{ display: none !important }}"
)
QR_PAGES = ("kalender", "abonner")  # the back page's codes lead to these pages in the edition's language
IN_YOUR_LANGUAGE = N_("Nyheder og kalender på dit sprog:")  # under each language's QR code, in that language
SPARE_PAGES = len(FILLERS)
OUR_FONTS = ("NotoSans", "NotoNaskhArabic", "NotoNastaliqUrdu")
PDF_KINDS = ("a5", "tryk", "haefte")
PAGES = "pages"  # beside the PDFs on the press's shelf: their page count
COVER_HIGHLIGHTS = 3
# Images are named in the PDF by a hash of their URL: a fixed base keeps the
# bytes the same whichever folder the site is built in.
CONTENT_URL = "https://content.rumforliv.invalid/"
CACHE_FORMAT = "1"  # bump to invalidate every cached PDF


class NewsletterError(Exception):
    """Printing an issue failed; the message is for the editor, in Danish."""


# --- The model ---------------------------------------------------------------


@dataclass
class Section:
    title: str
    html: str
    lang: str
    rtl: bool = False
    key: str = ""  # the file name before any language: "30-driften" for 30-driften.ar.md (i18n pairs them)


@dataclass
class NewsItem:
    """A published news item as the newsletter prints it."""

    article: object
    html: str  # headings demoted below the item's title

    title = property(lambda self: self.article.title)
    date = property(lambda self: self.article.date)
    url = property(lambda self: self.article.url)
    image = property(lambda self: getattr(self.article, "image", None))
    image_alt = property(lambda self: getattr(self.article, "image_alt", ""))
    print_html = property(lambda self: self.html)


@dataclass
class RegularLine:
    """A repeating activity: one line in words, plus its changes in the period."""

    event: object
    place: str
    occurrences: list
    dates: list[str] = field(default_factory=list)  # spelled out when the words do not say them

    title = property(lambda self: self.event.title)

    @property
    def changes(self) -> list:
        return [occ for occ in self.occurrences if occ.cancelled or occ.moved]

    @property
    def all_cancelled(self) -> bool:
        return all(occ.cancelled for occ in self.occurrences)


@dataclass
class DatedLine:
    """A one-off event (or a day of one), shown under a big date."""

    occurrence: object
    place: str

    title = property(lambda self: self.occurrence.event.title)

    lang: str = "da"  # the edition's: dates are in its reader's language, whatever the event's own

    def _date(self, pattern: str) -> str:
        from babel.dates import format_date

        return format_date(self.occurrence.day, pattern, locale=self.lang)

    weekday = property(lambda self: self._date("EEEE"))  # "torsdag"
    day_number = property(lambda self: self._date("d." if self.lang == "da" else "d"))  # "14." (a Danish ordinal)
    month = property(lambda self: self._date("MMMM"))  # "marts"


@dataclass
class Month:
    first: dt.date
    lines: list[DatedLine] = field(default_factory=list)


@dataclass
class IssueCalendar:
    first: dt.date
    last: dt.date
    regular: list[RegularLine] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    lang: str = "da"

    @property
    def highlights(self) -> list[DatedLine]:
        """The first events that are not called off, for the cover."""
        lines = [line for month in self.months for line in month.lines if not line.occurrence.cancelled]
        return lines[:COVER_HIGHLIGHTS]

    @property
    def period(self) -> str:
        from babel.dates import format_date

        months = [format_date(day, "LLLL", locale=self.lang) for day in (self.first, self.last)]
        return months[0] if months[0] == months[1] else f"{months[0]}–{months[1]}"


@dataclass
class Code:
    """A QR code of an issue. It carries the issue's own short address, which forwards to the page (so the
    success report can count the issue's readers); the page's own address is printed beside it for typing."""

    page: str  # "kalender", "abonner" or "sprog": the template words the caption
    short: str  # the short address, from the site's root: "ar/n/2013-1/kalender/"
    target: str  # the page it forwards to: "ar/kalender/"
    base: str  # the site's address: "https://rumforliv.dk"
    lang: str  # the language of the page it leads to

    @property
    def url(self) -> str:
        return f"{self.base}/{self.short}"

    @property
    def shown_url(self) -> str:
        return shown_address(f"{self.base}/{self.target}")

    @property
    def data_uri(self) -> str:
        return qr_svg(self.url)


def shown_address(url: str) -> str:
    """An address as printed for typing: 'rumforliv.dk/ar/kalender'."""
    return url.split("://", 1)[-1].rstrip("/")


def unbroken_address(address: str):
    """An address that may break across lines only after a slash: a break at a hyphen in
    'aabent-hus' would read as a hyphenated word, and the reader would type it without."""
    return Markup("/").join(Markup('<span class="nowrap">%s</span>') % part for part in address.split("/"))


@functools.lru_cache(maxsize=256)  # the same few addresses in every issue and edition, every build of `invoke vis`
def qr_svg(url: str) -> str:
    # A quiet zone of four modules, as the standard asks: phone cameras find the code on a busy page.
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4, dark="#000")


@dataclass
class NewsletterIssue:
    id: str  # "2013-1"
    year: int
    number: int
    title: str
    date: dt.date
    covers: tuple[dt.date, dt.date]
    lang: str
    editorial: str
    sections: list[Section]
    source: str  # index.md, for messages
    prefix: str = ""  # "ar/" for an edition in another language than the site's
    news: list[NewsItem] = field(default_factory=list)
    calendar: IssueCalendar | None = None
    codes: list[Code] = field(default_factory=list)  # the back page's
    language_codes: list[Code] = field(default_factory=list)  # the site in each other language
    pages: int = 0  # known once printed
    next_date: dt.date | None = None  # the next issue's, or three months on

    @property
    def season(self) -> str:
        return translate(self.lang, SEASONS[self.date.month])

    def season_year_in(self, lang: str) -> str:
        return f"{translate(lang, SEASONS[self.date.month])} {self.year}"

    @property
    def lead(self) -> NewsItem | None:
        """The cover story: the newest item with a photo, else the newest item."""
        pictured = [item for item in self.news if item.image]
        return (pictured or self.news)[-1] if self.news else None

    @property
    def season_year(self) -> str:
        return f"{self.season} {self.year}"

    @property
    def slot(self) -> str:
        """'2013-1', or 'ar/2013-1' for an edition: names it in the cache and in messages."""
        return f"{self.prefix}{self.id}"

    @property
    def url(self) -> str:
        return f"{self.prefix}nyhedsbrev/{self.id}/"

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"

    @property
    def pdf_names(self) -> dict[str, str]:
        """Output paths by kind: the contract's URLs."""
        base = f"{self.prefix}nyhedsbrev/{self.id}"
        return {"a5": f"{base}.pdf", "tryk": f"{base}-tryk.pdf", "haefte": f"{base}-haefte.pdf"}


# --- Reading the issues ------------------------------------------------------


def read_issues(settings: dict) -> list[NewsletterIssue]:
    """Every issue folder, oldest first; a broken folder stops the build."""
    root = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    issues, problems = [], []
    folders = (
        sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) if root.is_dir() else []
    )
    for folder in folders:
        try:
            issues.append(read_issue(folder, settings))
        except schema.ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise schema.ContentError(problems)
    return sorted(issues, key=lambda issue: (issue.date, issue.id))


def read_issue(folder: Path, settings: dict) -> NewsletterIssue:
    base = folder.parent.parent
    shown = f"{folder.parent.name}/{folder.name}"
    match = ISSUE_FOLDER.fullmatch(folder.name)
    if not match:
        raise schema.ContentError([schema.Problem(shown, 1, "", 'Mappen skal hedde år-nummer, fx "2013-1".')])
    index = folder / "index.md"
    if not index.is_file():
        raise schema.ContentError([schema.Problem(shown, 1, "", "Mappen mangler index.md med Title og Date.")])
    checked = checked_file(index, base, "issue", settings)
    values = checked.values
    lang = values.get("lang", settings.get("DEFAULT_LANG", "da"))
    first = values["date"]
    covers = values.get("covers") or (first, first + relativedelta(months=3) - dt.timedelta(days=1))
    sections = []
    for path in sorted(folder.glob("*.md")):
        if path.name == "index.md":
            continue
        section = checked_file(path, base, "section", settings)
        section_lang = section.values.get("lang", lang)
        sections.append(
            Section(
                title=section.values["title"],
                html=letter(render_markdown(section.body, settings)),
                lang=section_lang,
                rtl=section_lang in settings.get("RTL_LANGUAGES", ()),
                key=path.name.split(".")[0],
            )
        )
    return NewsletterIssue(
        id=folder.name,
        year=int(match.group(1)),
        number=int(match.group(2)),
        title=values["title"],
        date=first,
        covers=tuple(covers),
        lang=lang,
        editorial=letter(render_markdown(checked.body, settings)),
        sections=sections,
        source=checked.path,
        prefix="" if lang == settings.get("DEFAULT_LANG", "da") else f"{lang}/",
    )


def checked_file(path: Path, base: Path, kind: str, settings: dict) -> schema.Checked:
    checked, problems = schema.check_file(path, settings, base, kind)
    if problems:
        raise schema.ContentError(problems)
    return checked


def letter(html: str, levels: int = 1) -> str:
    """An editorial or section body as printed: headings below the part's, the sign-off on two lines."""
    return sign_off(demote_headings(html, levels))


def sign_off(html: str) -> str:
    """'Venlig hilsen' + a name on the next line is one paragraph in Markdown; keep the line break."""
    return re.sub(r"<p>(Venlig hilsen|Mange hilsner|Med venlig hilsen),?\n", r'<p class="signature">\1<br>\n', html)


def demote_headings(html: str, levels: int) -> str:
    """A body's <h2> sits below the part's own heading in the printed outline."""
    return re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


# --- What an issue holds ------------------------------------------------------


def news_since_previous(issues: list[NewsletterIssue], articles) -> None:
    """Each issue gets the news dated after the previous issue, up to its own date."""
    ordered = sorted(articles, key=lambda article: (article.date, article.slug))
    previous: dict[str, dt.date] = {}
    for issue in issues:
        since = previous.get(issue.lang)
        issue.news = [
            NewsItem(article, demote_headings(article.content, 2))
            for article in ordered
            if getattr(article, "print", True)
            and article.lang == issue.lang
            and (since is None or article.date.date() > since)
            and article.date.date() <= issue.date
        ]
        previous[issue.lang] = issue.date


def occurrences_between(context: dict, first: dt.date, last: dt.date) -> list:
    """The site's one expansion where it reaches; otherwise the same expansion over the period."""
    window = context.get("calendar_window")
    if window and window[0] <= first and last <= window[1]:
        return on_days(context["occurrences"], first, last)
    return expand(context.get("events", []), first, last)


def build_calendar(occurrences, first: dt.date, last: dt.date, lang: str = "da") -> IssueCalendar:
    """Repeating activities as one line each; one-off events by date, month by month, worded in `lang`."""
    calendar = IssueCalendar(first, last, lang=lang)
    repeating: dict[str, list] = {}
    for occ in occurrences:
        if occ.event.schedule.rule:
            repeating.setdefault(occ.event.slug, []).append(occ)
            continue
        month = max(occ.day, first).replace(day=1)
        if not calendar.months or calendar.months[-1].first != month:
            calendar.months.append(Month(month))
        calendar.months[-1].lines.append(DatedLine(occ, place_of(occ.event), lang))
    for occs in repeating.values():
        event = occs[0].event
        calendar.regular.append(RegularLine(event, place_of(event), occs, spelled_dates(event, occs, lang)))
    calendar.regular.sort(key=week_order)
    return calendar


def week_order(line: RegularLine):
    """Monday's activities first, then by the time of day."""
    schedule = line.event.schedule
    clock = schedule.start.time() if not schedule.all_day else dt.time()
    return min(occ.original_start.weekday() for occ in line.occurrences), clock, line.title


def spelled_dates(event, occurrences, lang: str = "da") -> list[str]:
    """The dates, when the rule is not a plain weekly one (a reader cannot count 'every 2nd Thursday')."""
    from babel.dates import format_date

    parts = dict(event.schedule.rule)
    if parts["FREQ"] == "WEEKLY" and parts.get("INTERVAL", "1") == "1":
        return []
    pattern = "d. MMMM" if lang == "da" else "d MMMM"
    return [format_date(occ.day, pattern, locale=lang) for occ in occurrences if not occ.cancelled]


def place_of(event) -> str:
    """'Lejlighed 252, Akacieparken' (every place is in 2500 Valby; the postcode is noise on paper)."""
    location = getattr(event, "location", "") or ""
    return re.sub(r",\s*\d{4}\s+[^,]+$", "", location).strip()


def site_url(settings: dict) -> str:
    """Printed codes need absolute addresses, even in a local build."""
    return (settings.get("SITEURL") or settings.get("PUBLISH_SITEURL") or "").rstrip("/")


def short_address(issue: NewsletterIssue, page: str = "") -> str:
    """An issue's short address for a page its codes lead to: 'n/2013-1/kalender/', 'ar/n/2013-1/en/'."""
    return f"{issue.prefix}n/{issue.id}/{page}/" if page else f"{issue.prefix}n/{issue.id}/"


def add_codes(issue: NewsletterIssue, settings: dict) -> None:
    """The issue's QR codes: the calendar and the subscription page in its language (back page), and the
    site in each other language (the page 'the newsletter in your language'); each by a short address."""
    base, default = site_url(settings), settings.get("DEFAULT_LANG", "da")
    issue.codes = [
        Code(page, short_address(issue, page), f"{issue.prefix}{page}/", base, issue.lang) for page in QR_PAGES
    ]
    issue.language_codes = [
        Code("sprog", short_address(issue, lang), "" if lang == default else f"{lang}/", base, lang)
        for lang in settings.get("LANGUAGES", [default])
        if lang != issue.lang
    ]


def next_dates(issues: list[NewsletterIssue]) -> None:
    """Each issue's next issue date for its back page: the next folder's, else three months on."""
    dates = sorted({issue.date for issue in issues})
    for issue in issues:
        later = [day for day in dates if day > issue.date]
        issue.next_date = later[0] if later else issue.date + relativedelta(months=3)


def month_grids(calendar: IssueCalendar) -> list[tuple[dt.date, list[list[tuple[dt.date, bool, bool]]]]]:
    """The covered months as grids of weeks: (day, in the month, a one-off event that day), to mark on paper."""
    import calendar as calendar_module

    marked = {line.occurrence.day for month in calendar.months for line in month.lines if not line.occurrence.cancelled}
    grids, month = [], calendar.first.replace(day=1)
    while month <= calendar.last:
        weeks = calendar_module.Calendar().monthdatescalendar(month.year, month.month)
        grids.append((month, [[(day, day.month == month.month, day in marked) for day in week] for week in weeks]))
        month = month + relativedelta(months=1)
    return grids


def week_plan(calendar: IssueCalendar) -> list[tuple[int, list[RegularLine]]]:
    """The regular activities by weekday (0 = Monday), for the page to hang on the fridge."""
    days: list[tuple[int, list[RegularLine]]] = [(day, []) for day in range(7)]
    for line in calendar.regular:
        if line.all_cancelled:
            continue
        for day in sorted({occ.original_start.weekday() for occ in line.occurrences}):
            days[day][1].append(line)
    return days


DIGITS = re.compile(r"(?<![&#\w])\d+(?:[ .:,/–-]\d+)*")  # not inside a word or an entity (&#39;)
LRI, PDI = "\u2066", "\u2069"  # the isolate characters the wording puts around '10–12' in Arabic and Urdu
BODY_TEXT = re.compile(r"(<svg\b.*?</svg>|<[^>]*>)", re.S)  # tags and whole pictures: the rest is text
VOID = re.compile(r"<(?:area|br|col|embed|hr|img|input|link|meta|source|wbr)\b|<svg\b|/>$")
LATIN_RUN = '<bdi class="digits" dir="ltr">{}</bdi>'


def latin_digits(html: str) -> str:
    """Digits in the right-to-left text of an Arabic or Urdu edition as one left-to-right run in the Latin
    font: '36 30 01 11' would otherwise take the Naskh font's digits and be shown group by group from the
    right ('11 01 30 36'). Text already left to right (Danish, names in <bdi>) is left alone, its font set
    in the CSS: WeasyPrint reorders a Danish address wrongly once an element splits it ('2500 ,248').
    Tags, attributes, pictures and the head stay as they are."""
    head, found, body = html.partition("<body>")
    if not found:
        return html
    parts = BODY_TEXT.split(body)
    rtl = [True]  # the direction of the element each text is in
    for index, part in enumerate(parts):
        if index % 2 == 0:
            parts[index] = isolated_digits(part) if rtl[-1] else part
        elif part.startswith("</"):
            if len(rtl) > 1:
                rtl.pop()
        elif not VOID.search(part):
            rtl.append(element_direction(part, rtl[-1]))
    return head + found + "".join(parts)


def isolated_digits(text: str) -> str:
    """Each run of digits in right-to-left text in a left-to-right <bdi>; a run the wording isolated
    ('⁦17:30–19⁩', at times isolated twice: '⁦17:⁦30–1⁩9⁩') becomes one <bdi> in place of its isolate
    characters (a <bdi> inside them would be shown out of order)."""
    result, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == LRI:
            if depth == 0:
                result.append(DIGITS.sub(lambda m: LATIN_RUN.format(m.group(0)), text[start:index]))
                start = index
            depth += 1
        elif char == PDI and depth:
            depth -= 1
            if depth == 0:
                result.append(LATIN_RUN.format(text[start:index].replace(LRI, "").replace(PDI, "")))
                start = index + 1
    result.append(DIGITS.sub(lambda m: LATIN_RUN.format(m.group(0)), text[start:]))
    return "".join(result)


def element_direction(tag: str, inherited: bool) -> bool:
    """Whether an opening tag's content is right to left (True) in an Arabic or Urdu edition."""
    if 'dir="rtl"' in tag:
        return True
    if 'dir="ltr"' in tag or 'lang="da"' in tag or tag.startswith("<bdi"):
        return False
    return inherited


def sentence(text: str) -> str:
    """Capitalise the first letter only (Jinja's `capitalize` lowercases the rest)."""
    return text[:1].upper() + text[1:]


# --- Printing -------------------------------------------------------------------


class NotdefCatcher(logging.Handler):
    """WeasyPrint only warns when a letter is missing from every font; we stop."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef" in message:
            self.messages.append(message)


class Press:
    """Prints issues: WeasyPrint and the fonts are loaded once per process that prints."""

    def __init__(self, settings: dict):
        theme = Path(settings["THEME"])
        self.print_dir = theme / "print"
        self.fonts_dir = theme / "fonts"
        self.content = Path(settings["PATH"]).resolve()
        self.site_name = settings.get("SITENAME", "")
        self.rtl = tuple(settings.get("RTL_LANGUAGES", ()))
        self.profile = settings.get("PRINT_CMYK_PROFILE")  # the print shop's output intent (an ICC file)
        cache = settings.get("NEWSLETTER_CACHE_PATH") or Path(settings.get("CACHE_PATH", "cache")) / "newsletter"
        self.cache = Path(cache)
        self._weasy = None
        self._look = None

    def stylesheet_files(self) -> list[Path]:
        return sorted(self.print_dir.glob("*.css"))

    def look(self) -> bytes:
        """What every issue's look shares: the libraries that lay it out, its CSS and fonts (hashed once)."""
        if self._look is None:
            digest = hashlib.sha256()
            for name in ("weasyprint", "pypdf", "pydyf"):
                digest.update(importlib.metadata.version(name).encode())
            for path in [*self.stylesheet_files(), *sorted(self.fonts_dir.glob("*.ttf")), *self.profile_files()]:
                digest.update(path.name.encode() + path.read_bytes())
            self._look = digest.digest()
        return self._look

    def profile_files(self) -> list[Path]:
        """The CMYK profile, which must exist: a print file without its output intent is refused by print shops."""
        if not self.profile:
            return []
        path = Path(self.profile)
        if not path.is_file():
            raise NewsletterError(
                f"Farveprofilen til trykkeriet ({path}) findes ikke. Kør scripts/setup.sh, "
                "eller ret PRINT_CMYK_PROFILE i pelicanconf.py."
            )
        return [path]

    def identifier(self, issue: NewsletterIssue, html: str) -> str:
        """The PDFs' /ID: a digest of what they show (look, HTML, images), so the same issue gets the
        same bytes whatever the code around it."""
        digest = hashlib.sha256(self.look())
        digest.update(html.encode())
        for src, path in local_images(html, self.content):
            digest.update(src.encode() + (path.read_bytes() if path.is_file() else b"-"))
        return digest.hexdigest()[:32]

    def key(self, issue: NewsletterIssue, html: str) -> str:
        """Hash of everything the PDFs depend on: the code, and what they show."""
        digest = hashlib.sha256(f"{CACHE_FORMAT} {code_fingerprint()}".encode())
        digest.update(self.identifier(issue, html).encode())
        return digest.hexdigest()[:32]

    def __getstate__(self):
        return {**self.__dict__, "_weasy": None}  # WeasyPrint's objects stay in the process that loaded them

    def shelf(self, issue: NewsletterIssue) -> Shelf:
        """The issue's printed PDFs (only its latest version) and, under PAGES, their page count."""
        return Shelf(self.cache / issue.slot)

    def cached(self, issue: NewsletterIssue, key: str) -> dict | None:
        """The stored PDFs for this exact key, or None."""
        files = self.shelf(issue).get_files(key)
        if files is None or not all(kind in files for kind in (*PDF_KINDS, PAGES)):
            return None
        issue.pages = int(files[PAGES])
        return {kind: files[kind] for kind in PDF_KINDS} | {"cached": True}

    def store(self, issue: NewsletterIssue, key: str, files: dict[str, bytes]) -> None:
        shelf = self.shelf(issue)
        pages = str(issue.pages).encode()
        shelf.put_files(key, {**{kind: files[kind] for kind in PDF_KINDS}, PAGES: pages})
        shelf.put(PAGES, pages)  # read alone by the preview, which leaves a changed issue's PDFs for later
        shelf.keep_only({key, PAGES})  # the issue's older versions

    def weasy(self):
        """WeasyPrint is imported (0.5 s) only when an issue must really be printed."""
        if self._weasy is None:
            import weasyprint
            from weasyprint.text import ffi
            from weasyprint.text.fonts import FontConfiguration

            if not ffi.harfbuzz_subset:
                logger.warning(
                    "libharfbuzz-subset0 mangler: nyhedsbrevene bliver 3-10 gange langsommere at lave. "
                    "Kør scripts/setup.sh (apt-get install libharfbuzz-subset0)."
                )

            fonts, profiles = FontConfiguration(), {}
            sheets = [weasyprint.CSS(filename=str(path), font_config=fonts) for path in self.stylesheet_files()]
            for path in self.profile_files():  # device-cmyk() colours are printed for this profile
                rule = f'@color-profile device-cmyk {{ src: url("{path.resolve().as_uri()}"); components: c, m, y, k }}'
                sheets.append(weasyprint.CSS(string=rule, color_profiles=profiles))
            self._weasy = (weasyprint, fonts, profiles, sheets, content_fetcher(self.content))
        return self._weasy

    def render(self, issue: NewsletterIssue, html: str, key: str) -> dict[str, bytes]:
        """One layout per issue: the print shop's PDF; the A5 and the booklet are cut from it.

        pypdf's parse and copies of the PDF make as many short-lived objects as the layout does:
        both run under lighter_gc (a fifth less CPU for the pypdf part, more in a full build)."""
        from pypdf import PdfReader  # late, as imposition: a rebuild takes most issues from the cache

        from rumforliv.newsletter import imposition

        rtl = issue.slot.split("/")[0] in self.rtl
        with lighter_gc():
            tryk, reading = self.checked_layout(issue, html, key)
            reader = PdfReader(io.BytesIO(reading))  # parsed once for the check, the A5 and the booklet
            check_fonts(reader)  # the print shop's PDF embeds the same fonts: written from the same layout
            return {
                "a5": imposition.trimmed(reader, rtl),
                "tryk": imposition.bound(tryk, rtl),
                "haefte": imposition.impose(reader, f"{self.site_name} · {issue.title} (hæfte)", issue.date, rtl),
            }

    def checked_layout(self, issue: NewsletterIssue, html: str, key: str) -> tuple[bytes, bytes]:
        """The print shop's PDF and the tagged reading copy; a letter missing from every font stops them."""
        catcher = NotdefCatcher()
        weasy_logger = every_record(logging.getLogger("weasyprint"))  # the same missing letter twice: twice an error
        weasy_logger.addHandler(catcher)
        try:
            pdfs = self.layout(issue, html, key)
        finally:
            weasy_logger.removeHandler(catcher)
        if catcher.messages:
            raise NewsletterError(
                "Nogle tegn findes ikke i skrifttyperne i theme/fonts og ville blive trykt "
                "som tomme firkanter. Ret teksten eller tilføj en skrifttype.\n" + "\n".join(catcher.messages)
            )
        return pdfs

    def layout(self, issue: NewsletterIssue, html: str, key: str) -> tuple[bytes, bytes]:
        """Laid out once, written twice: PDF/X-4 for the print shop (CMYK output intent, tagged too) and
        PDF/UA for readers (no output intent: screens show the colours as they are)."""
        weasyprint, fonts, profiles, stylesheets, fetcher = self.weasy()
        identifier = self.identifier(issue, html)
        # Images are downsampled when loaded, so the options go to render() as well as write_pdf().
        options = {
            "pdf_variant": "pdf/ua-1",
            "dpi": 300,
            "pdf_identifier": f"newsletter-{issue.slot}-{identifier}".encode(),
        }
        source = weasyprint.HTML(string=html, base_url=CONTENT_URL, url_fetcher=fetcher)
        document = source.render(stylesheets=stylesheets, font_config=fonts, color_profiles=profiles, **options)
        pages, room = padded(document.pages), room_left(document.pages[-SPARE_PAGES - 2])
        if room > MOSTLY_EMPTY:  # the calendar's last page: the children's page goes there, not on a page of its own
            drawing = weasyprint.CSS(string=KIDS_INLINE.format(drawing=room - KIDS_TEXT_HEIGHT), font_config=fonts)
            filled = source.render(
                stylesheets=[*stylesheets, drawing], font_config=fonts, color_profiles=profiles, **options
            )
            if len(padded(filled.pages, SPARE_PAGES - 1)) % 4 == 0:  # else the two planned pages left are too few
                document, pages = filled, padded(filled.pages, SPARE_PAGES - 1)
        document = document.copy(pages)
        issue.pages = len(document.pages)
        with tagged_languages(), fixed_document_id(identifier):
            tryk = document.write_pdf(**{**options, "pdf_variant": "pdf/x-4", "pdf_tags": True})
        document.color_profiles = {}
        try:
            with tagged_languages():
                reading = document.write_pdf(**options)
        finally:
            document.color_profiles = profiles
        return tryk, reading


@contextlib.contextmanager
def tagged_languages():
    """WeasyPrint (70) gives the tagged PDF the document's language only (/Lang in the catalogue): here
    each element with a lang="..." of its own (a Danish section in an Arabic edition, a language's line on
    the languages page) gets it as /Lang in the structure tree, so a screen reader reads it in that
    language. WeasyPrint builds the tree by recursive calls of tags._build_box_tree: this wraps it."""
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None:  # another WeasyPrint: the document's language only (test_newsletter says so)
        yield
        return

    def with_language(box, parent, *args):
        element = getattr(getattr(box, "_box", box), "element", None)
        lang = element.get("lang") if element is not None and element.tag not in ("html", "body") else None
        for built in build(box, parent, *args):
            if lang and "Lang" not in built:
                built["Lang"] = pydyf.String(lang)
            yield built

    tags._build_box_tree = with_language
    try:
        yield
    finally:
        tags._build_box_tree = build


@contextlib.contextmanager
def fixed_document_id(digest: str):
    """WeasyPrint gives a PDF/X-4 a random xmpMM:DocumentID (uuid4): here it is the issue's digest, so the
    same issue gives the same bytes."""
    import uuid

    from weasyprint.pdf import metadata

    random_id = metadata.uuid4
    metadata.uuid4 = lambda: uuid.UUID(hashlib.sha256(digest.encode()).hexdigest()[:32])
    try:
        yield
    finally:
        metadata.uuid4 = random_id


@contextlib.contextmanager
def lighter_gc():
    """Layout and pypdf make millions of short-lived objects: Python's cyclic GC would take a quarter of an
    issue's time, mostly walking the build's long-lived objects (Pelican's content) again and again.
    Those are set aside (gc.freeze) and automatic collection is off while an issue prints: the issue's
    objects live until its end anyway, so collecting earlier frees little (the longest issue peaks 2 %
    higher) and costs a tenth of its CPU. What the issue left behind is collected at its end."""
    enabled, ours = gc.isenabled(), gc.get_freeze_count() == 0  # someone else's freeze stays theirs
    if ours:
        gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()
        if ours:
            gc.unfreeze()


def write_pdfs(issue: NewsletterIssue, files: dict[str, bytes], output: Path) -> None:
    for kind, name in issue.pdf_names.items():
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[kind])


# --- Printing in worker processes ------------------------------------------------
# WeasyPrint is single-threaded, so issues are printed side by side in a pool of
# worker processes, each loading WeasyPrint and the fonts once for all its issues.

POOL_WORKERS = 2
POOL_FROM = 1  # issues to print: even one prints beside the site's pages (the pool costs less than it saves)
_worker_press: Press | None = None  # the Press of this worker process


@dataclass
class PrintJob:
    """What a worker needs to print an issue (the issue itself holds Pelican's objects)."""

    slot: str
    title: str
    date: dt.date
    html: str
    key: str
    pages: int = 0


def start_worker(press: Press) -> None:
    global _worker_press
    _worker_press = press


def print_job(job: PrintJob) -> tuple[dict[str, bytes], int, float, float]:
    """Print one issue in a worker: its PDFs, pages, wall and CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    files = _worker_press.render(job, job.html, job.key)  # a PrintJob has what render() reads of an issue
    return files, job.pages, time.perf_counter() - started, time.process_time() - cpu


def print_pool(press: Press, jobs: int):
    """A pool of at most POOL_WORKERS processes, forked where possible (no second start-up of Pelican)."""
    from concurrent.futures import ProcessPoolExecutor  # late: only a build that prints needs a pool

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    workers = max(1, min(POOL_WORKERS, os.cpu_count() or 1, jobs))
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method), initializer=start_worker, initargs=(press,)
    )


def content_fetcher(content: Path):
    """Reads CONTENT_URL from content/ and nothing from the network (a print must not depend on it)."""
    from urllib.parse import unquote

    from weasyprint.urls import URLFetcher

    class ContentFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(CONTENT_URL):
                url = (content / unquote(url[len(CONTENT_URL) :].split("?")[0])).as_uri()
            return super().fetch(url, headers)

    return ContentFetcher(allowed_protocols={"file", "data"})


def padded(pages: list, spares: int = SPARE_PAGES) -> list:
    """Content pages, then as many of the planned spare pages as make a multiple of 4, then the back cover."""
    body, spare, back = pages[: -spares - 1], pages[-spares - 1 : -1], pages[-1]
    return body + spare[: (-(len(body) + 1)) % 4] + [back]


def room_left(page) -> float:
    """The height (CSS px) left empty at the foot of a laid-out page's type area."""
    box = page._page_box
    return box.content_box_y() + box.height - content_bottom(box.children[0])


def content_bottom(box) -> float:
    """The lowest edge of what a box holds on its page (a box that goes on to the next page reaches its foot)."""
    children = [child for child in getattr(box, "children", ()) if hasattr(child, "position_y")]
    if children and not type(box).__name__.startswith(("Line", "Inline", "Text")):
        return max(content_bottom(child) for child in children)
    return box.position_y + box.margin_height()


def local_images(html: str, base: Path) -> list[tuple[str, Path]]:
    """(src, file) of each image the HTML points at inside content/, for the cache key."""
    sources = set(re.findall(r'<img[^>]+src="([^"]+)"', html))
    return sorted((src, base / src) for src in sources if "://" not in src and not src.startswith("data:"))


def check_fonts(reader: PdfReader) -> None:
    """Only the theme's fonts may be embedded: a system fallback font differs between machines."""
    foreign = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            name = str(font.get_object().get("/BaseFont", ""))
            if not any(ours in name.replace("-", "") for ours in OUR_FONTS):
                foreign.add(name)
    if foreign:
        raise NewsletterError(
            f"Nogle tegn findes kun i maskinens egne skrifttyper ({', '.join(sorted(foreign))}). "
            "Brug tegn, som skrifttyperne i theme/fonts har."
        )


# --- The Pelican generator ---------------------------------------------------------


class NewsletterGenerator(Generator):
    """Builds the issues' model in the context phase; prints and writes them in the output phase."""

    def __init__(self, *args, **kwargs):
        self.issues: list[NewsletterIssue] = []
        super().__init__(*args, **kwargs)
        self.env.filters["sentence"] = sentence

    def print_globals(self, issue: NewsletterIssue) -> dict:
        """What the print templates use beyond the site's context: pictures, the week plan, other languages."""
        from babel.dates import get_day_names

        settings = self.settings
        return {
            "issue": issue,
            "FILLERS": FILLERS,
            "week_plan": week_plan,
            "month_grids": month_grids,
            "short_day_names": get_day_names("short", locale=issue.lang),
            "day_names": get_day_names("wide", locale=issue.lang),
            "pictogram": pictogram,
            "category_pictogram": lambda category: category_pictogram(category, settings),
            "section_pictogram": lambda key: section_pictogram(key.split("-", 1)[-1], settings),
            "site_address": lambda path: unbroken_address(shown_address(f"{site_url(settings)}/{path}")),
            "printed": True,
        }

    def generate_context(self):
        self.issues = read_issues(self.settings)
        news_since_previous(self.issues, self.context.get("articles", []))
        for issue in self.issues:
            first, last = issue.covers
            issue.calendar = build_calendar(occurrences_between(self.context, first, last), first, last, issue.lang)
            add_codes(issue, self.settings)
        next_dates(self.issues)
        self.context["newsletter_issues"] = self.issues

    def print_html(self, issue: NewsletterIssue) -> str:
        template = self.get_template("newsletter/issue")
        html = template.render({**self.context, **self.print_globals(issue)})
        return latin_digits(html) if issue.lang in self.settings.get("RTL_LANGUAGES", ()) else html

    def generate_output(self, writer):
        """The issues start printing in worker processes while the site's pages are written; the issues'
        web pages, which give each PDF's page count, are written once the printing is done."""
        finish = self.print_issues(Path(self.output_path), Press(self.settings))
        parallel.after_pages(writer, lambda: (finish(), self.write_pages(writer)))

    def write_pages(self, writer) -> None:
        for issue in self.issues:
            writer.write_file(
                issue.save_as,
                self.get_template("newsletter_page"),
                self.context,
                issue=issue,
                url=issue.url,
                relative_urls=False,
            )
        newest_first = sorted(self.issues, key=lambda issue: (issue.date, issue.id), reverse=True)
        writer.write_file(
            "nyhedsbrev/index.html",
            self.get_template("newsletter_archive"),
            self.context,
            issues=newest_first,
            url="nyhedsbrev/",
            relative_urls=False,
        )

    def print_issues(self, output: Path, press: Press) -> Callable[[], None]:
        """Every issue's PDFs: unchanged ones copied from the cache now, the others handed to the printing.
        Returns what waits for the printing and writes its PDFs."""
        todo = []
        for issue in self.issues:
            started, cpu = time.perf_counter(), time.process_time()
            html = self.print_html(issue)
            key = press.key(issue, html)
            files = press.cached(issue, key)
            if files is None and self.settings.get(PRINT_LATER) and keep_previous_pdfs(issue, self.settings):
                logger.info("Nyhedsbrev %s trykkes senere", issue.slot, extra={"waiting": issue.slot})
                continue
            if files is None:
                todo.append((issue, html, key))
                continue
            write_pdfs(issue, files, output)
            log_issue(issue, time.perf_counter() - started, time.process_time() - cpu, cached=True)
        printed = print_in_pool(press, todo) if len(todo) >= POOL_FROM else print_here(press, todo)

        def finish() -> None:
            with contextlib.closing(printed):  # a failure here stops the workers too
                for (issue, _, key), (files, seconds, cpu) in zip(todo, printed):  # in order, as each is done
                    press.store(issue, key, files)
                    write_pdfs(issue, files, output)
                    log_issue(issue, seconds, cpu, cached=False)

        return finish


PRINT_LATER = "NEWSLETTER_PRINT_LATER"  # setting: the preview leaves changed issues' last PDFs until it prints them


def keep_previous_pdfs(issue: NewsletterIssue, settings: dict) -> bool:
    """Leave an issue's PDFs of the last build in place (its page count read from them), if it has them all."""
    from pypdf import PdfReader

    page_memo = settings.get(memo.SETTING)
    names = list(issue.pdf_names.values())
    if page_memo is None or not all((page_memo.previous / name).is_file() for name in names):
        return False
    for name in names:
        page_memo.keep_previous(name)
    issue.pages = printed_pages(issue, settings) or len(PdfReader(page_memo.previous / issue.pdf_names["a5"]).pages)
    return True


def printed_pages(issue: NewsletterIssue, settings: dict) -> int | None:
    """The page count the press keeps beside the issue's last PDFs (reading a PDF takes a tenth of a second)."""
    kept = Press(settings).shelf(issue).get(PAGES)
    return int(kept) if kept and kept.isdigit() else None


def print_here(press: Press, todo: list):
    """Print each (issue, html, key) in this process: (PDFs, wall and CPU seconds), one at a time."""
    for issue, html, key in todo:
        started, cpu = time.perf_counter(), time.process_time()
        files = guarded(issue, press.render, issue, html, key)
        yield files, time.perf_counter() - started, time.process_time() - cpu


def print_in_pool(press: Press, todo: list):
    """Like print_here, with the issues shared by the pool's workers, handed out now (not when the results
    are first asked for); the first failure stops the rest."""
    pool = print_pool(press, len(todo))
    futures = {}
    for index in largest_first(todo):  # the last issues handed out are small: no worker waits long at the end
        issue, html, key = todo[index]
        futures[index] = pool.submit(print_job, PrintJob(issue.slot, issue.title, issue.date, html, key))
    return pool_results(pool, todo, futures)


def pool_results(pool, todo: list, futures: dict):
    try:
        for index, (issue, _, _) in enumerate(todo):  # in the issues' order, as each is done
            files, issue.pages, seconds, cpu = guarded(issue, futures[index].result)
            yield files, seconds, cpu
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def largest_first(todo: list) -> list[int]:
    """Indexes of the (issue, html, key) to print, longest HTML (most pages) first."""
    return sorted(range(len(todo)), key=lambda index: (-len(todo[index][1]), index))


def guarded(issue: NewsletterIssue, work, *args):
    """work(*args); a printing problem becomes a content error naming the issue's file."""
    try:
        return work(*args)
    except NewsletterError as error:
        raise schema.ContentError([schema.Problem(issue.source, 1, "", str(error))]) from None


def log_issue(issue: NewsletterIssue, seconds: float, cpu: float, cached: bool) -> None:
    logger.info(
        "Nyhedsbrev %s: %d sider, %.2f s%s",
        issue.slot,
        issue.pages,
        seconds,
        " (fra cachen)" if cached else "",
        extra={"issue": issue.slot, "seconds": seconds, "cpu_seconds": cpu, "cached": cached, "pages": issue.pages},
    )
