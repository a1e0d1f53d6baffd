"""Reading and checking the metadata header of content files.

Editors write these files by hand, so every mistake becomes a `Problem`
naming the file, the line and the field, in Danish, and all problems of a
file are collected (not just the first). The build and `invoke tjek` both
use `check_file`; nothing here knows about Pelican.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dateutil import rrule as dtrule

DANISH_MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ContentError(Exception):
    """One or more problems in the content; the build stops."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FieldError(ValueError):
    """A bad value; the message is shown to the editor as it is."""


@dataclass
class Field:
    key: str  # as written in the file
    value: str
    line: int


@dataclass
class Source:
    path: str
    fields: dict[str, Field]  # by lower-case key
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)


KEY_LINE = re.compile(r"^([A-Za-zÆØÅæøå][A-Za-zÆØÅæøå0-9_-]*)[ \t]*:(.*)$")


def parse_source(path: str, text: str) -> Source:
    """Split a file into header fields and body, noting layout mistakes."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    source = Source(path=path, fields={}, body="", body_line=1)
    last: Field | None = None
    index = 0
    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.replace("\t", " ")
        if not line.strip():
            source.body_line = number + 1
            source.body = "\n".join(lines[index + 1 :])
            break
        match = KEY_LINE.match(line)
        if match:
            key, value = match.group(1), match.group(2).strip()
            lower = key.lower()
            if lower in source.fields:
                first = source.fields[lower].line
                source.problems.append(
                    Problem(path, number, key, f"Feltet står to gange (også i linje {first}). Slet den ene.")
                )
                continue
            last = source.fields[lower] = Field(key, value, number)
        elif line.startswith(" ") and last is not None:
            last.value = f"{last.value} {line.strip()}".strip()  # continued value
        elif index == 0:
            source.problems.append(
                Problem(path, 1, "", "Filen skal begynde med felter som 'Title: Overskrift'.")
            )
            source.body, source.body_line = text, 1
            break
        else:
            source.problems.append(
                Problem(
                    path,
                    number,
                    "",
                    "Linjen er ikke et felt ('Navn: værdi'). Mangler der en tom linje "
                    "mellem felterne og teksten?",
                )
            )
            source.body, source.body_line = "\n".join(lines[index:]), number
            break
    else:
        source.body_line = len(lines) + 1
    return source


# --- Value parsers: str -> typed value, or FieldError in Danish -------------


def suggest(value: str, choices) -> str:
    """ ' Mente du "X"?' for a near miss, else ''."""
    lowered = {c.lower(): c for c in choices}
    if value.lower() in lowered:
        return f' Skriv det præcis sådan: "{lowered[value.lower()]}".'
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return f' Mente du "{lowered[close[0]]}"?' if close else ""


def parse_date(value: str, settings=None) -> dt.date:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
    if not match:
        raise FieldError(date_hint(value, with_time=False))
    return make_date(*map(int, match.groups()), value)


def make_date(year: int, month: int, day: int, written: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(f'Datoen "{written.strip()}" findes ikke i kalenderen.') from None


def parse_datetime(value: str, settings=None) -> dt.datetime | dt.date:
    """'2013-01-07 15:00' -> datetime, '2013-01-07' -> date (all day)."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2})[:.](\d{2}))?", text)
    if not match:
        raise FieldError(date_hint(text, with_time=True))
    year, month, day, hour, minute = match.groups()
    date = make_date(int(year), int(month), int(day), text)
    if hour is None:
        return date
    if int(hour) > 23 or int(minute) > 59:
        raise FieldError(f'Klokkeslættet "{hour}:{minute}" findes ikke. Brug 00:00 til 23:59.')
    return dt.datetime.combine(date, dt.time(int(hour), int(minute)))


def date_hint(text: str, with_time: bool) -> str:
    """Explain the expected form, rewriting the editor's own value if we can."""
    example = "2013-03-05 15:00" if with_time else "2013-03-05"
    lowered = text.lower()
    guess = guess_date(lowered)
    time = re.search(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\s*$|kl\.?\s*(\d{1,2})\s*$", lowered)
    clock = ""
    if time and with_time:
        hour = time.group(1) or time.group(3)
        clock = f" {int(hour):02d}:{time.group(2) or '00'}"
    if guess:
        return f'Skriv datoen som år-måned-dag: "{guess}{clock}".'
    if "kl" in lowered:
        return f'Skriv tiden uden "kl.", sådan her: "{example}".'
    return f'"{text}" er ikke en dato. Skriv år-måned-dag, fx "{example}".'


def guess_date(lowered: str) -> str | None:
    match = re.search(r"(\d{1,2})\.?\s*(" + "|".join(DANISH_MONTHS) + r")\.?\s*(\d{4})", lowered)
    if match:
        month = DANISH_MONTHS.index(match.group(2)) + 1
        return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
    match = re.search(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b", lowered)
    if match:
        return f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    return None


def split_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise FieldError("Der er et tomt punkt i listen. Tjek kommaerne.")
    return items


def choice(vocabulary_setting: str, what: str) -> Callable:
    def parse(value, settings):
        allowed = settings[vocabulary_setting]
        value = value.strip()
        if value in allowed:
            return value
        raise FieldError(f'"{value}" er ikke {what}. Brug en af: {", ".join(allowed)}.' + suggest(value, allowed))

    return parse


def choices(vocabulary_setting: str, what: str) -> Callable:
    one = choice(vocabulary_setting, what)

    def parse(value, settings):
        items = split_list(value)
        return [one(item, settings) for item in items]

    return parse


def parse_text(value, settings):
    if not value.strip():
        raise FieldError("Feltet er tomt. Skriv en værdi eller slet linjen.")
    return value.strip()


def parse_names(value, settings):
    return split_list(value)


def parse_tags(value, settings):
    return [item.lower() for item in split_list(value)]


def parse_yes_no(value, settings):
    lowered = value.strip().lower()
    if lowered in ("yes", "ja", "true"):
        return True
    if lowered in ("no", "nej", "false"):
        return False
    raise FieldError(f'Skriv "yes" eller "no", ikke "{value.strip()}".')


def parse_slug(value, settings):
    slug = value.strip()
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        return slug
    from .text import slugify  # late import: text imports Pelican

    raise FieldError(
        f'"{slug}" kan ikke bruges i en adresse. Brug små bogstaver a-z, tal og bindestreg, '
        f'fx "{slugify(slug, settings)}".'
    )


def parse_int(value, settings):
    try:
        return int(value.strip())
    except ValueError:
        raise FieldError(f'Skriv et helt tal, ikke "{value.strip()}".') from None


def parse_lang(value, settings):
    return choice("LANGUAGES", "et sprog på siden")(value.strip().lower(), settings)


def status(*allowed: str) -> Callable:
    def parse(value, settings):
        lowered = value.strip().lower()
        if lowered not in allowed:
            raise FieldError(f'"{value.strip()}" er ikke en status her. Brug en af: {", ".join(allowed)}.')
        return lowered

    return parse


def parse_dates(value, settings) -> list[dt.date]:
    """'2013-02-11, 2013-02-13' or a range '2013-02-11 .. 2013-02-15'."""
    dates = []
    for item in split_list(value):
        if ".." in item:
            first, last = (parse_date(part) for part in item.split("..", 1))
            if last < first:
                raise FieldError(f'Perioden "{item}" slutter før den begynder.')
            dates.append((first, last))
        else:
            dates.append(parse_date(item))
    return dates


def parse_moves(value, settings) -> list[tuple[dt.date, dt.datetime | dt.date]]:
    moves = []
    for item in split_list(value):
        if "->" not in item:
            raise FieldError(f'Skriv en flytning som "2013-03-04 -> 2013-03-05 16:00", ikke "{item}".')
        old, new = (part.strip() for part in item.split("->", 1))
        moves.append((parse_date(old), parse_datetime(new)))
    return moves


def parse_period(value, settings) -> tuple[dt.date, dt.date]:
    if ".." not in value:
        raise FieldError(f'Skriv perioden som "2013-03-01 .. 2013-05-31", ikke "{value.strip()}".')
    first, last = (parse_date(part) for part in value.split("..", 1))
    if last < first:
        raise FieldError("Perioden slutter før den begynder.")
    return first, last


RRULE_PARTS = {
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH",
    "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "WKST",
}


def parse_repeat(value, settings) -> dict[str, str]:
    """A checked RRULE as an ordered dict of its parts (UNTIL kept as written)."""
    text = value.strip().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        name, _, part = item.partition("=")
        name = name.strip().upper()
        if not part or name not in RRULE_PARTS:
            raise FieldError(
                f'"{item.strip()}" forstås ikke. Skriv fx "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20161231".'
            )
        parts[name] = part.strip().upper()
    if "FREQ" not in parts:
        raise FieldError('Gentagelsen mangler "FREQ=", fx "FREQ=WEEKLY;BYDAY=TU".')
    if "UNTIL" in parts and "COUNT" in parts:
        raise FieldError("Brug enten UNTIL (slutdato) eller COUNT (antal gange), ikke begge.")
    if "UNTIL" in parts and not re.fullmatch(r"\d{8}(T\d{6}Z?)?", parts["UNTIL"]):
        raise FieldError(f'UNTIL skal være en dato som 20161231, ikke "{parts["UNTIL"]}".')
    try:
        rule = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
        dtrule.rrulestr(rule, dtstart=dt.datetime(2013, 1, 1))
        if "UNTIL" in parts:
            parse_date(f"{parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}")
    except (ValueError, TypeError) as error:
        if isinstance(error, FieldError):
            raise
        raise FieldError(f'Gentagelsen "{text}" er ikke gyldig ({error}).') from None
    return parts


# --- Schemas per kind of file ----------------------------------------------

CATEGORY = choice("CATEGORIES", "et indsatsområde")
ESTATES = choices("ESTATES", "en afdeling")
AUDIENCES = choices("AUDIENCES", "en målgruppe")

SCHEMAS: dict[str, dict[str, tuple[Callable, bool]]] = {
    "news": {
        "title": (parse_text, True),
        "date": (parse_datetime, True),
        "category": (CATEGORY, True),
        "estate": (ESTATES, False),
        "tags": (parse_tags, False),
        "summary": (parse_text, False),
        "image": (parse_text, False),
        "image-alt": (parse_text, False),
        "print": (parse_yes_no, False),
        "status": (status("published", "draft"), False),
        "lang": (parse_lang, False),
        "slug": (parse_slug, False),
    },
    "event": {
        "title": (parse_text, True),
        "start": (parse_datetime, True),
        "end": (parse_datetime, False),
        "repeat": (parse_repeat, False),
        "except": (parse_dates, False),
        "cancelled": (parse_dates, False),
        "moved": (parse_moves, False),
        "status": (status("confirmed", "cancelled", "draft"), False),
        "location": (parse_text, True),
        "estate": (ESTATES, True),
        "category": (CATEGORY, True),
        "audience": (AUDIENCES, False),
        "organizer": (parse_text, False),
        "contact": (parse_text, False),
        "lang": (parse_lang, False),
        "slug": (parse_slug, False),
    },
    "page": {
        "title": (parse_text, True),
        "slug": (parse_slug, False),
        "summary": (parse_text, False),
        "category": (CATEGORY, False),
        "estate": (ESTATES, False),
        "audience": (AUDIENCES, False),
        "order": (parse_int, False),
        "partners": (parse_names, False),
        "contact": (parse_text, False),
        "lang": (parse_lang, False),
        "status": (status("published", "hidden", "draft"), False),
    },
    "issue": {
        "title": (parse_text, True),
        "date": (parse_date, True),
        "covers": (parse_period, False),
        "lang": (parse_lang, False),
    },
    "section": {
        "title": (parse_text, True),
        "lang": (parse_lang, False),
    },
}

KIND_NAMES = {
    "news": "en nyhed",
    "event": "en aktivitet",
    "page": "en side",
    "issue": "et nyhedsbrev (index.md)",
    "section": "et afsnit i et nyhedsbrev",
}


def kind_of(path: Path) -> str | None:
    """Which schema a file follows, from where it lies."""
    parts = path.parts
    if "nyheder" in parts:
        return "news"
    if "kalender" in parts:
        return "event"
    if "sider" in parts:
        return "page"
    if "newsletter" in parts:
        return "issue" if path.name == "index.md" else "section"
    return None


@dataclass
class Checked:
    """A file whose header passed: typed values and the body."""

    path: str
    kind: str
    values: dict
    lines: dict[str, int]
    body: str
    body_line: int


def check_source(source: Source, kind: str, settings: dict, base: Path | None = None):
    """Type every field of `source`; return (Checked, problems)."""
    problems = list(source.problems)
    schema = SCHEMAS[kind]
    values, lines = {}, {}
    for lower, fld in source.fields.items():
        if lower not in schema:
            known = [k.capitalize() if "-" not in k else "-".join(w.capitalize() for w in k.split("-")) for k in schema]
            problems.append(
                Problem(
                    source.path,
                    fld.line,
                    fld.key,
                    f"Ukendt felt i {KIND_NAMES[kind]}.{suggest(fld.key, known) or ' Tilladte felter: ' + ', '.join(known) + '.'}",
                )
            )
            continue
        parse, _ = schema[lower]
        try:
            values[lower] = parse(fld.value, settings)
            lines[lower] = fld.line
        except FieldError as error:
            problems.append(Problem(source.path, fld.line, fld.key, str(error)))
    for key, (_, required) in schema.items():
        if required and key not in source.fields:
            name = key.capitalize()
            problems.append(Problem(source.path, 1, name, f"Feltet mangler. Tilføj en linje '{name}: ...' øverst."))
    checked = Checked(source.path, kind, values, lines, source.body, source.body_line)
    if not problems:
        problems.extend(CROSS_CHECKS.get(kind, lambda c, s, b: [])(checked, settings, base))
    return checked, problems


def check_file(path: Path, settings: dict, base: Path | None = None, kind: str | None = None):
    """Read and check one file; return (Checked or None, problems)."""
    shown = str(path.relative_to(base.parent)) if base and path.is_relative_to(base.parent) else str(path)
    kind = kind or kind_of(path.relative_to(base) if base and path.is_relative_to(base) else path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "", "Filen er ikke gemt som UTF-8. Gem den igen som UTF-8.")]
    source = parse_source(shown, text)
    if kind is None:
        return None, [Problem(shown, 1, "", "Filen ligger i en mappe, som ikke bruges.")]
    return check_source(source, kind, settings, base)


# --- Checks across fields ---------------------------------------------------


def check_news(checked: Checked, settings, base: Path | None):
    values, problems = checked.values, []
    if "image" in values and "image-alt" not in values:
        problems.append(
            Problem(checked.path, checked.lines["image"], "Image-Alt",
                    "Et billede skal have en beskrivelse for blinde: tilføj 'Image-Alt: ...'.")
        )
    if "image" in values and base is not None and not (base / values["image"]).is_file():
        problems.append(
            Problem(checked.path, checked.lines["image"], "Image",
                    f'Billedet "{values["image"]}" findes ikke. Læg det i content/billeder/.')
        )
    return problems


def check_event(checked: Checked, settings, base):
    from .recurrence import event_problems  # the rules live with the expansion

    return [Problem(checked.path, checked.lines.get(key.lower(), 1), key, message)
            for key, message in event_problems(checked.values, settings)]


CROSS_CHECKS = {"news": check_news, "event": check_event}


def content_files(settings: dict):
    """Every Markdown file the build reads, as (path, base, kind)."""
    content = Path(settings["PATH"])
    for folder in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"] + settings["EVENT_PATHS"]:
        for path in sorted((content / folder).rglob("*.md")):
            yield path, content, None
    newsletters = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    for path in sorted(newsletters.glob("*/*.md")):
        yield path, newsletters.parent, "issue" if path.name == "index.md" else "section"


def check_tree(settings: dict) -> list[Problem]:
    """Every problem in every content file, in file order."""
    problems = []
    for path, base, kind in content_files(settings):
        _, found = check_file(path, settings, base, kind)
        problems.extend(found)
    return problems
