"""The one gate before a build: what no single file's header shows.

`schema` checks each file's fields. Here the checks that need the text, the
other files or the fonts: two files at one address, files the build would pass
over, pictures inside the text, the templates' placeholder text, two issues of
one season, characters no font has. Errors stop `tjek` and the build alike;
warnings (a future date, a draft, an unused picture, text that would become a
code block) are printed by both and stop neither.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from rumforliv.content import characters, files, schema
from rumforliv.content.schema import Problem
from rumforliv.content.slugs import slugify

# The templates' words that an editor replaces (editor/commands.py writes them): left in, they would be published.
PLACEHOLDERS = (
    "Skriv nyheden her.",
    "Skriv her, hvad aktiviteten går ud på, og hvem den er for.",
    "Skriv stedet her",
    "Skriv lederen her.",
    "Skriv afsnittet her.",
)

# The month each season of the newsletter begins, and its name (the plan prints four issues a year).
SEASON_STARTS = ((3, "forår"), (6, "sommer"), (9, "efterår"), (12, "vinter"))


def season_start(date: dt.date) -> dt.date:
    """The first day of the season `date` lies in; January and February belong to the winter before."""
    month = max((start for start, _ in SEASON_STARTS if start <= date.month), default=12)
    year = date.year if month <= date.month else date.year - 1
    return dt.date(year, month, 1)


def season(date: dt.date) -> tuple[int, str]:
    """(year, season) an issue dated `date` belongs to: 2013-12-01 and 2014-02-01 are both (2013, "vinter")."""
    start = season_start(date)
    return start.year, dict(SEASON_STARTS)[start.month]


@dataclass
class Entry:
    """One file as this module needs it: where, what kind, its header and text."""

    path: Path
    shown: str
    kind: str
    source: schema.Source


def entries(settings: dict, sources: dict[str, bytes] | None = None) -> list[Entry]:
    """Every file the build reads, parsed (no values checked); bytes already read are reused."""
    found = []
    for path, base, kind in schema.content_files(settings):
        relative = path.relative_to(base) if path.is_relative_to(base) else path
        kind = kind or schema.kind_of(relative)
        if kind is None:
            continue
        data = (sources or {}).get(os.path.abspath(path)) or path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # schema names it
        shown = str(path.relative_to(base.parent)) if path.is_relative_to(base.parent) else str(path)
        found.append(Entry(path, shown, kind, schema.parse_source(shown, text)))
    return found


def value(entry: Entry, key: str) -> str:
    fld = entry.source.fields.get(key)
    return fld.value.strip() if fld else ""


def line(entry: Entry, key: str) -> int:
    fld = entry.source.fields.get(key)
    return fld.line if fld else 1


def check_tree(settings: dict, passed: schema.CheckedTree | None = None, spread=None) -> list[Problem]:
    """Every error: each file's own (schema) and those found here."""
    passed = passed if passed is not None else schema.CheckedTree()
    problems = schema.check_tree(settings, passed, spread)
    return problems + errors(settings, entries(settings, passed.sources))


def errors(settings: dict, found: list[Entry]) -> list[Problem]:
    problems = files.unread_files(settings)
    known = font_characters(str(Path(settings.get("THEME", "theme"))))
    for entry in found:
        problems += placeholder_problems(entry) + picture_problems(entry, settings) + font_problems(entry, known)
    problems += duplicate_problems(found, settings) + season_problems(found)
    return problems


def warnings(settings: dict, found: list[Entry] | None = None) -> list[Problem]:
    """What still builds but an editor should know."""
    found = entries(settings) if found is None else found
    result = []
    for entry in found:
        result += code_block_warnings(entry) + publication_warnings(entry, settings)
    return result + unused_picture_warnings(found, settings)


# --- One file's text ------------------------------------------------------------


def placeholder_problems(entry: Entry) -> list[Problem]:
    problems = []
    for fld in entry.source.fields.values():
        for words in PLACEHOLDERS:
            if words in fld.value:
                problems.append(Problem(entry.shown, fld.line, fld.key, placeholder_message(words)))
    for number, text in body_lines(entry):
        for words in PLACEHOLDERS:
            if words in text:
                problems.append(Problem(entry.shown, number, "", placeholder_message(words)))
    return problems


def placeholder_message(words: str) -> str:
    return f'Skabelonens eksempeltekst "{words}" står her stadig. Skriv din egen tekst i stedet.'


def body_lines(entry: Entry) -> list[tuple[int, str]]:
    return list(enumerate(entry.source.body.split("\n"), start=entry.source.body_line))


def picture_problems(entry: Entry, settings: dict) -> list[Problem]:
    """A picture inside the text (![beskrivelse](billeder/x.jpg)) must exist and be described."""
    base = Path(settings["PATH"])
    problems = []
    if "image" in entry.source.fields and not picture_kind(value(entry, "image")):
        fld = entry.source.fields["image"]
        problems.append(Problem(entry.shown, fld.line, fld.key, not_a_picture(value(entry, "image"))))
    for offset, description, src in files.pictures_in(entry.source.body):
        number = entry.source.body_line + offset
        path = files.picture_path(src)
        if path is not None and not picture_kind(path):
            problems.append(Problem(entry.shown, number, "Billede", not_a_picture(path)))
        elif path is not None and not (base / path).is_file():
            problems.append(Problem(entry.shown, number, "Billede", schema.missing_image(path, base)))
        elif not description:
            problems.append(
                Problem(
                    entry.shown,
                    number,
                    "Billede",
                    "Billedet mangler en kort beskrivelse til blinde læsere. "
                    f'Skriv den mellem de firkantede parenteser: "![Børn på legepladsen]({src})".',
                )
            )
    return problems


def picture_kind(path: str) -> bool:
    return Path(path).suffix.lower() in files.PICTURES


def not_a_picture(path: str) -> str:
    kinds = ", ".join(sorted(files.PICTURES))
    return f'"{path}" er ikke et billede. Brug en billedfil ({kinds}).'


INDENTED = re.compile(r"^(\t| {4,})\S")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def code_block_warnings(entry: Entry) -> list[Problem]:
    """An indented paragraph becomes a grey code block in Markdown: almost never what a volunteer meant."""
    result, previous, fenced, in_list = [], "", False, False
    for number, text in body_lines(entry):
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        indented = INDENTED.match(text)
        if text.strip() and not indented:  # a list's later paragraphs are indented too: not code
            in_list = bool(LIST_ITEM.match(text))
        if indented and not fenced and not previous.strip() and not in_list:
            what = characters.described("\t") if indented.group(1) == "\t" else "mellemrum"
            result.append(
                Problem(
                    entry.shown,
                    number,
                    "",
                    f"Linjen begynder med {what} og bliver derfor vist som kode i en grå boks. "
                    "Slet mellemrummet i starten af linjen.",
                    warning=True,
                )
            )
        previous = text if not indented else previous
    return result


def publication_warnings(entry: Entry, settings: dict) -> list[Problem]:
    """A draft, or news dated after today: built for the preview, not shown to residents yet."""
    status = value(entry, "status").lower()
    if status == "draft":
        message = "Filen er en kladde: den vises kun i forhåndsvisningen under /kladder/, ikke på den udgivne side."
        return [Problem(entry.shown, line(entry, "status"), "Status", message, warning=True)]
    if entry.kind != "news":
        return []
    try:
        date = schema.parse_datetime(value(entry, "date"))
    except schema.FieldError:
        return []  # schema names it
    day = date.date() if isinstance(date, dt.datetime) else date
    if day > today(settings):
        words = f"{day.day}. {schema.DANISH_MONTHS[day.month - 1]} {day.year}"
        message = f"Datoen er efter i dag: nyheden vises fra d. {words}."
        return [Problem(entry.shown, line(entry, "date"), "Date", message, warning=True)]
    return []


def today(settings: dict) -> dt.date:
    """The build's today (plugin.site_today sets TODAY; SITE_TODAY before that)."""
    if isinstance(settings.get("TODAY"), dt.date):
        return settings["TODAY"]
    try:
        return dt.date.fromisoformat(os.environ.get("SITE_TODAY") or str(settings.get("SITE_TODAY") or ""))
    except ValueError:
        return dt.date.today()


# --- Across files ------------------------------------------------------------------


def address(entry: Entry, settings: dict) -> str | None:
    """The folder the build writes this file's page to, as Pelican's *_SAVE_AS settings make it."""
    title, slug = value(entry, "title"), value(entry, "slug")
    slug = slug or slugify(title, settings)
    if not slug or entry.kind not in ("news", "event", "page"):
        return None
    lang = value(entry, "lang").lower() or settings["DEFAULT_LANG"]
    prefix = "" if lang == settings["DEFAULT_LANG"] else f"{lang}/"
    draft = "kladder/" if value(entry, "status").lower() == "draft" else ""
    if entry.kind == "news":
        try:
            date = schema.parse_datetime(value(entry, "date"))
        except schema.FieldError:
            return None
        future = (date.date() if isinstance(date, dt.datetime) else date) > today(settings)
        place = f"kladder/nyheder/{slug}" if draft or future else f"nyheder/{date.year}/{slug}"
    elif entry.kind == "event":
        place = f"{draft}kalender/{slug}"
    else:
        place = f"{draft}{slug}"
    return f"/{prefix}{place}/"


# The site's own addresses (content-format's public URLs): a page given one would overwrite it.
RESERVED = {"404", "abonner", "admin", "billeder", "feeds", "hjaelp", "kalender", "kladder", "n", "nyheder"}
RESERVED |= {"nyhedsbrev", "opslag", "sms", "theme"}


def reserved(entry: Entry, settings: dict) -> bool:
    if entry.kind != "page":
        return False
    slug = value(entry, "slug") or slugify(value(entry, "title"), settings)
    return slug in RESERVED | set(settings.get("LANGUAGES", [])) | set(settings.get("STATIC_PATHS", []))


def duplicate_problems(found: list[Entry], settings: dict) -> list[Problem]:
    """Two files writing one page, or a page at one of the site's own addresses: Pelican would stop
    with a technical error."""
    first: dict[str, Entry] = {}
    problems = []
    for entry in found:
        where = address(entry, settings)
        if where is None:
            continue
        if reserved(entry, settings):
            key = "Slug" if "slug" in entry.source.fields else "Title"
            slug = where.strip("/").split("/")[-1]
            message = f'Adressen {where} bruges af hjemmesiden selv. Skriv en anden adresse, fx "Slug: om-{slug}".'
            problems.append(Problem(entry.shown, line(entry, key.lower()), key, message))
            continue
        if where not in first:
            first[where] = entry
            continue
        other = first[where]
        key = "Slug" if "slug" in entry.source.fields else "Title"
        problems.append(
            Problem(
                entry.shown,
                line(entry, key.lower()),
                key,
                f"Siden får samme adresse ({where}) som {other.shown}. "
                'Giv den ene en anden titel, eller skriv en anden "Slug:".',
            )
        )
    return problems


def season_problems(found: list[Entry]) -> list[Problem]:
    """Two newsletter issues of one season: a copied folder whose Date was not changed."""
    first: dict[tuple[int, str], Entry] = {}
    problems = []
    for entry in found:
        if entry.kind != "issue":
            continue
        try:
            date = schema.parse_date(value(entry, "date"))
        except schema.FieldError:
            continue
        when = season(date)
        if when not in first:
            first[when] = entry
            continue
        problems.append(
            Problem(
                entry.shown,
                line(entry, "date"),
                "Date",
                f"Nyhedsbrevet er fra samme sæson ({when[1]} {when[0]}) som {first[when].shown}. "
                "Ret datoen, eller slet den kopierede mappe.",
            )
        )
    return problems


def unused_picture_warnings(found: list[Entry], settings: dict) -> list[Problem]:
    base = Path(settings["PATH"])
    used = set()
    for entry in found:
        if "image" in entry.source.fields:
            used.add(value(entry, "image").lstrip("/"))
        used.update(files.picture_path(src) for _, _, src in files.pictures_in(entry.source.body))
    return [
        Problem(
            f"{base.name}/{path.relative_to(base).as_posix()}",
            1,
            "",
            "Billedet bruges ikke i nogen nyhed eller side. Brug det, eller slet det.",
            warning=True,
        )
        for path in files.pictures(settings)
        if path.relative_to(base).as_posix() not in used
    ]


# --- Fonts -------------------------------------------------------------------------


def font_problems(entry: Entry, known: frozenset[int]) -> list[Problem]:
    """Characters that no font of the theme (`known`) has: a newsletter would print them as empty boxes."""
    if entry.kind == "page":
        return []  # pages are not printed; the browser finds a font for them
    if not known:
        return []
    every = set(entry.source.body).union(*(fld.value for fld in entry.source.fields.values()))
    if all(ord(char) in known or ord(char) < 0x20 for char in every):
        return []  # nearly every file: no line need be looked at
    problems = []
    lines = [(fld.line, fld.key, fld.value) for fld in entry.source.fields.values()]
    lines += [(number, "", text) for number, text in body_lines(entry)]
    for number, key, text in lines:
        missing = [char for char in dict.fromkeys(text) if ord(char) >= 0x20 and ord(char) not in known]
        missing = [char for char in missing if char not in characters.BREAKING]  # named in their own message
        if missing:
            shown = ", ".join(f'"{char}" (U+{ord(char):04X})' for char in missing)
            problems.append(
                Problem(
                    entry.shown,
                    number,
                    key,
                    f"Tegnet {shown} findes ikke i skrifttyperne og ville blive trykt som en tom firkant. "
                    "Slet det, eller skriv det med almindelige bogstaver.",
                )
            )
    return problems


def font_characters(theme: str) -> frozenset[int]:
    """Every code point some font of the theme (theme/fonts and the web fonts in theme/static) has."""
    fonts = sorted(Path(theme).glob("fonts/*.ttf")) + sorted(Path(theme).glob("static/fonts/*.woff2"))
    return _font_characters(tuple((str(p), p.stat().st_mtime_ns) for p in fonts))


@functools.lru_cache(maxsize=4)
def _font_characters(fonts: tuple[tuple[str, int], ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # installed with WeasyPrint; loaded only when a check runs

    known: set[int] = set()
    for path, _ in fonts:
        try:
            with TTFont(path, lazy=True) as font:
                known.update(font.getBestCmap() or {})
        except Exception:  # a font fontTools cannot read (woff2 without brotli) adds nothing
            continue
    return frozenset(known)
