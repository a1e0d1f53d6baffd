"""Reading and checking the metadata header of content files.

Editors write these files by hand, so every mistake becomes a `Problem`
naming the file, the line and the field, in Danish, and all problems of a
file are collected (not just the first). The build and `invoke tjek` both
use `check_file`; nothing here knows about Pelican.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dateutil import rrule as dtrule

from rumforliv.content import characters
from rumforliv.content.slugs import slugify

DANISH_MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    key: str
    message: str
    fix: tuple[str, str] | None = field(default=None, compare=False)  # (line as written, line fixed): `tjek --ret`
    warning: bool = field(default=False, compare=False)  # shown, but the build goes on

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        message = f"Advarsel: {self.message}" if self.warning else self.message
        return f"{where}: {self.key}: {message}" if self.key else f"{where}: {message}"


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
    raw: str = ""  # the whole line as written


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
        if not match and not raw.startswith((" ", "\t")) and (unusual := unusual_key_line(path, number, raw)):
            match, problem = unusual
            source.problems.append(problem)
        if match:
            key, value = match.group(1), match.group(2).strip()
            lower = key.lower()
            if lower in source.fields:
                first = source.fields[lower].line
                source.problems.append(
                    Problem(path, number, key, f"Feltet står to gange (også i linje {first}). Slet den ene.")
                )
                continue
            last = source.fields[lower] = Field(key, value, number, raw)
        elif line.startswith(" ") and last is not None:
            last.value = f"{last.value} {line.strip()}".strip()  # continued value
        elif index == 0:
            source.problems.append(
                Problem(
                    path,
                    1,
                    "",
                    'Filen skal begynde med felterne, fx "Title: Overskrift". '
                    "Skriv dem øverst, så en tom linje, så teksten.",
                )
            )
            source.body, source.body_line = text, 1
            break
        else:
            source.problems.append(Problem(path, number, "", not_a_field(line)))
            source.body, source.body_line = "\n".join(lines[index:]), number
            break
    else:
        source.body_line = len(lines) + 1
    return source


KEY_PART = re.compile(r"^([^:]{1,40}):(.*)$")
TAB_INSTEAD_OF_COLON = re.compile(r"^([A-Za-zÆØÅæøå][A-Za-zÆØÅæøå-]*)\t+(\S.*)$")


def unusual_key_line(path: str, number: int, raw: str) -> tuple[re.Match, Problem] | None:
    """A key written with a character that only looks right (smart quotes, Word's dash, a no-break
    space), or a tab instead of the colon: the field as meant, and a Problem naming the character."""
    tab = TAB_INSTEAD_OF_COLON.match(raw)
    if tab and ":" not in raw.split("\t", 1)[0]:
        key, value = tab.group(1), tab.group(2).strip()
        fixed = f"{key}: {value}"
        message = (
            f"Mellem feltnavnet og værdien står {characters.described(chr(9))}, men intet kolon. "
            f'Skriv "{fixed}" (invoke tjek --ret retter det).'
        )
        return KEY_LINE.match(fixed), Problem(path, number, key, message, fix=(raw, fixed))
    parts = KEY_PART.match(raw)
    if not parts:
        return None
    char = characters.first_unusual(parts.group(1), allowed="\t")
    if char is None:
        return None
    written = parts.group(1).strip(characters.SPACES + " ")
    key = characters.plain(written).strip()
    if not key:
        return None
    fixed = f"{key}:{parts.group(2)}"
    match = KEY_LINE.match(fixed)
    if not match:
        return None
    message = (
        f'Feltnavnet "{written}" indeholder {characters.described(char)}. '
        f'Skriv "{key}:" med almindelige tegn (invoke tjek --ret retter det).'
    )
    return match, Problem(path, number, key, message, fix=(raw, fixed))


def not_a_field(line: str) -> str:
    """Why a header line is not 'Key: value', in words an editor can act on."""
    name = line.split(":", 1)[0].strip()
    if ":" in line and 0 < len(name.split()) <= 2 and not line.startswith(" "):
        return (
            f'Feltnavnet "{name}" må ikke have mellemrum. '
            f'Skriv fx "{"-".join(name.split())}:", eller sæt en tom linje før teksten.'
        )
    return (
        'Linjen er ikke et felt ("Navn: værdi"). Mangler der en tom linje mellem felterne '
        "og teksten? Sæt den ind lige over denne linje."
    )


# --- Value parsers: str -> typed value, or FieldError in Danish -------------


def suggest(value: str, choices, synonyms: dict[str, str] | None = None) -> str:
    """' Mente du "X"?' for a near miss (or a known Danish word for X), else ''."""
    lowered = {c.lower(): c for c in choices}
    wanted = value.strip().lower()
    if wanted in lowered:
        return f' Skriv det præcis sådan: "{lowered[wanted]}".'
    meant = (synonyms or {}).get(wanted)
    if meant and meant.lower() in lowered:
        return f' Mente du "{lowered[meant.lower()]}"?'
    close = difflib.get_close_matches(wanted, list(lowered), n=1, cutoff=0.6)
    return f' Mente du "{lowered[close[0]]}"?' if close else ""


def quoted(items) -> str:
    """'"a", "b"': quotes keep values that contain commas apart."""
    return ", ".join(f'"{item}"' for item in items)


def parse_date(value: str, settings=None) -> dt.date:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
    if not match:
        raise FieldError(date_hint(value, with_time=False))
    return make_date(*map(int, match.groups()), value)


def make_date(year: int, month: int, day: int, written: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            raise FieldError(
                f'Datoen "{written.strip()}" findes ikke: måneden skal være 1-12. Skriv år-måned-dag, fx "2013-03-05".'
            ) from None
        days = calendar.monthrange(year, month)[1]
        raise FieldError(
            f'Datoen "{written.strip()}" findes ikke: {DANISH_MONTHS[month - 1]} {year} har {days} dage.'
        ) from None


def parse_datetime(value: str, settings=None) -> dt.datetime | dt.date:
    """'2013-01-07 15:00' -> datetime, '2013-01-07' -> date (all day). '15.00' is read as 15:00."""
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


TIME_RANGE = re.compile(
    r"(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|til)\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*$"
)
CLOCK = re.compile(r"(?:kl\.?\s*(\d{1,2})(?:[:.](\d{2}))?|\b(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?)\s*$")


def date_hint(text: str, with_time: bool) -> str:
    """Explain the expected form, rewriting the editor's own value if we can."""
    example = "2013-03-05 15:00" if with_time else "2013-03-05"
    lowered = text.strip().lower()
    if not lowered:
        return EMPTY
    guess = guess_date(lowered)
    span = TIME_RANGE.search(lowered) if guess else None
    if span and with_time:
        first = f"{int(span.group(1)):02d}:{span.group(2) or '00'}"
        last = f"{int(span.group(3)):02d}:{span.group(4) or '00'}"
        return f'Skriv kun starttidspunktet her: "{guess} {first}", og sluttidspunktet i feltet End: "{guess} {last}".'
    time = CLOCK.search(lowered)
    clock = f" {int(time.group(1) or time.group(3)):02d}:{time.group(2) or time.group(4) or '00'}" if time else ""
    if guess and not with_time:
        if time:
            return f'Skriv kun datoen, uden klokkeslæt: "{guess}".'
        return f'Skriv datoen som år-måned-dag: "{guess}".'
    if guess and clock:
        return f'Skriv datoen som år-måned-dag og tiden med kolon: "{guess}{clock}".'
    if guess:
        return f'Skriv datoen som år-måned-dag: "{guess}".'
    if "kl" in lowered:
        return f'Skriv tiden uden "kl.", sådan her: "{example}".'
    return f'"{text.strip()}" er ikke en dato. Skriv år-måned-dag, fx "{example}".'


def guess_date(lowered: str) -> str | None:
    """The date an editor meant, as YYYY-MM-DD, from the ways Danes write dates."""
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", lowered)
    if match:
        return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    months = "|".join(name[:3] + f"(?:{name[3:]})?" for name in DANISH_MONTHS)
    match = re.search(r"(\d{1,2})\.?\s*(" + months + r")\.?\s*(\d{4})", lowered)
    if match:
        month = [name[:3] for name in DANISH_MONTHS].index(match.group(2)[:3]) + 1
        return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
    match = re.search(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b", lowered)
    if match:
        return f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    return None


def split_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if not any(items):
        raise FieldError(EMPTY)
    if any(not item for item in items):
        raise FieldError(
            f'Der er et komma for meget i "{value.strip()}". Skriv fx "{", ".join(i for i in items if i)}".'
        )
    return items


EMPTY = "Feltet er tomt. Skriv en værdi eller slet linjen."

# Words editors write in Danish for a value that must be written otherwise.
VALUE_SYNONYMS = {
    "dansk": "da",
    "engelsk": "en",
    "tyrkisk": "tr",
    "somali": "so",
    "somalisk": "so",
    "arabisk": "ar",
    "urdu": "ur",
    "danish": "da",
    "english": "en",
    "udgivet": "published",
    "offentlig": "published",
    "kladde": "draft",
    "udkast": "draft",
    "skjult": "hidden",
    "aflyst": "cancelled",
    "afholdes": "confirmed",
    "bekræftet": "confirmed",
    "ja": "yes",
    "nej": "no",
}


def choice(vocabulary_setting: str, what: str) -> Callable:
    def parse(value, settings):
        allowed = settings[vocabulary_setting]
        value = value.strip()
        if value in allowed:
            return value
        if not value:
            raise FieldError(EMPTY)
        raise FieldError(
            f'"{value}" er ikke {what}. Brug en af: {quoted(allowed)}.'
            + (several(value, allowed) or suggest(value, allowed, VALUE_SYNONYMS))
        )

    return parse


def several(value: str, allowed) -> str:
    """'A og B' where both are allowed: a list is written with a comma."""
    parts = [part.strip() for part in re.split(r"\s+(?:og|and|&)\s+|\s*;\s*|\s*/\s*", value)]
    if len(parts) > 1 and all(part in allowed for part in parts):
        return f' Skriv flere med komma imellem: "{", ".join(parts)}".'
    return ""


def choices(vocabulary_setting: str, what: str) -> Callable:
    one = choice(vocabulary_setting, what)

    def parse(value, settings):
        items = split_list(value)
        return [one(item, settings) for item in items]

    return parse


def parse_text(value, settings):
    if not value.strip():
        raise FieldError(EMPTY)
    return value.strip()


TITLE_LIMIT = 120  # characters: a page heading of three lines on a phone; its address stays below 255 bytes
SLUG_LIMIT = 80


def parse_title(value, settings):
    title = parse_text(value, settings)
    if len(title) > TITLE_LIMIT:
        raise FieldError(
            f"Titlen er {len(title)} tegn lang; den må højst være {TITLE_LIMIT}. "
            "Gør den kortere, og skriv resten i teksten."
        )
    return title


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
    raise FieldError(f'Skriv "yes" eller "no", ikke "{value.strip()}".')  # ja/nej are accepted too


def parse_link(value, settings):
    """A web address to somewhere else (the story in local media): only http(s), so it opens in a browser."""
    link = value.strip()
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", link):
        raise FieldError(f'Skriv hele adressen, fx "https://valbybladet.dk/...", ikke "{link}".')
    return link


def parse_slug(value, settings):
    slug = value.strip()
    if len(slug) > SLUG_LIMIT:
        raise FieldError(f"Adressen er {len(slug)} tegn lang; den må højst være {SLUG_LIMIT}. Gør den kortere.")
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        return slug
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
    return choice("LANGUAGES", "en sprogkode")(value.strip().lower(), settings)


def status(*allowed: str) -> Callable:
    def parse(value, settings):
        lowered = value.strip().lower()
        if lowered not in allowed:
            raise FieldError(
                f'"{value.strip()}" er ikke en status her. Brug en af: {quoted(allowed)}.'
                + suggest(lowered, allowed, VALUE_SYNONYMS)
            )
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
        raise FieldError(f'Perioden slutter før den begynder. Skriv den tidligste dato først: "{last} .. {first}".')
    return first, last


RRULE_PARTS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYWEEKNO",
    "BYYEARDAY",
    "WKST",
}


FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
DANISH_DAYS = {
    "MA": "MO",
    "TI": "TU",
    "ON": "WE",
    "TO": "TH",
    "FR": "FR",
    "LØ": "SA",
    "LO": "SA",
    "SØ": "SU",
    "SO": "SU",
}
DANISH_DAY_WORDS = {
    "mandag": "MO",
    "tirsdag": "TU",
    "onsdag": "WE",
    "torsdag": "TH",
    "fredag": "FR",
    "lørdag": "SA",
    "søndag": "SU",
}


def parse_repeat(value, settings) -> dict[str, str]:
    """A checked RRULE as an ordered dict of its parts (UNTIL kept as written)."""
    text = value.strip().removeprefix("RRULE:")
    if not text:
        raise FieldError(EMPTY)
    parts: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        name, _, part = item.partition("=")
        name = name.strip().upper()
        if not part or name not in RRULE_PARTS:
            raise FieldError(not_a_rule(text, item.strip()))
        parts[name] = part.strip().upper()
    for name, part in parts.items():
        check_rule_part(name, part)
    if "FREQ" not in parts:
        raise FieldError('Gentagelsen mangler "FREQ=", fx "FREQ=WEEKLY;BYDAY=TU".')
    if "UNTIL" in parts and "COUNT" in parts:
        raise FieldError("Brug enten UNTIL (slutdato) eller COUNT (antal gange), ikke begge.")
    try:
        rule = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
        dtrule.rrulestr(rule, dtstart=dt.datetime(2013, 1, 1))
        if "UNTIL" in parts:
            parse_date(f"{parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}")
    except (ValueError, TypeError) as error:
        if isinstance(error, FieldError):
            raise FieldError(f"UNTIL: {error}") from None
        raise FieldError(
            f'Gentagelsen "{text}" kan ikke bruges. Se eksemplerne i vejledningen under "En aktivitet, der gentages".'
        ) from None
    return parts


def not_a_rule(text: str, item: str) -> str:
    """Danish words instead of a rule: offer the rule they describe."""
    days = [code for word, code in DANISH_DAY_WORDS.items() if word in text.lower()]
    if days:
        rule = "FREQ=WEEKLY;BYDAY=" + ",".join(days)
        return f'Gentagelsen skal skrives som en regel. "{text}" skrives "{rule}".'
    return f'"{item}" forstås ikke. Skriv fx "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20161231".'


def check_rule_part(name: str, part: str) -> None:
    """One part of a rule, with a message in the editor's terms."""
    if name == "FREQ" and part not in FREQUENCIES:
        close = difflib.get_close_matches(part, FREQUENCIES, n=1)
        hint = f' Mente du "{close[0]}"?' if close else ""
        raise FieldError(f'FREQ skal være {quoted(FREQUENCIES[:-1])} eller "YEARLY", ikke "{part}".{hint}')
    if name == "BYDAY":
        items = [item.strip() for item in part.split(",")]
        if not all(BYDAY_ITEM.fullmatch(item) for item in items):
            fixed = ",".join(DANISH_DAYS.get(item, item) for item in items)
            hint = f' Skriv "BYDAY={fixed}".' if all(BYDAY_ITEM.fullmatch(i) for i in fixed.split(",")) else ""
            raise FieldError(
                f'"BYDAY={part}" forstås ikke. Ugedagene skrives på engelsk: MO, TU, WE, TH, FR, SA, SU.{hint}'
            )
    if name in ("INTERVAL", "COUNT") and not part.isdigit():
        raise FieldError(f'{name} skal være et helt tal, fx "{name}=2", ikke "{part}".')
    if name == "UNTIL" and not re.fullmatch(r"\d{8}(T\d{6}Z?)?", part):
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", part)
        hint = f'Skriv "UNTIL={"".join(iso.groups())}"' if iso else 'Skriv fx "UNTIL=20161231"'
        raise FieldError(f'UNTIL skal være en dato uden bindestreger, ikke "{part}". {hint}.')


# --- Schemas per kind of file ----------------------------------------------

CATEGORY = choice("CATEGORIES", "et indsatsområde")
ESTATES = choices("ESTATES", "en afdeling")
AUDIENCES = choices("AUDIENCES", "en målgruppe")

SCHEMAS: dict[str, dict[str, tuple[Callable, bool]]] = {
    "news": {
        "title": (parse_title, True),
        "date": (parse_datetime, True),
        "category": (CATEGORY, True),
        "estate": (ESTATES, False),
        "tags": (parse_tags, False),
        "summary": (parse_text, False),
        "image": (parse_text, False),
        "image-alt": (parse_text, False),
        "print": (parse_yes_no, False),
        "coverage": (parse_link, False),
        "status": (status("published", "draft"), False),
        "lang": (parse_lang, False),
        "slug": (parse_slug, False),
    },
    "event": {
        "title": (parse_title, True),
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
        "title": (parse_title, True),
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
        "title": (parse_title, True),
        "date": (parse_date, True),
        "covers": (parse_period, False),
        "lang": (parse_lang, False),
    },
    "section": {
        "title": (parse_title, True),
        "lang": (parse_lang, False),
    },
}

# Danish words editors write for a field, and the field they mean.
KEY_SYNONYMS = {
    "titel": "title",
    "overskrift": "title",
    "dato": "date",
    "tid": "start",
    "tidspunkt": "start",
    "kategori": "category",
    "indsatsområde": "category",
    "afdeling": "estate",
    "afdelinger": "estate",
    "emner": "tags",
    "tag": "tags",
    "resume": "summary",
    "resumé": "summary",
    "billede": "image",
    "billedtekst": "image-alt",
    "alt": "image-alt",
    "tryk": "print",
    "omtale": "coverage",
    "sprog": "lang",
    "language": "lang",
    "adresse": "slug",
    "begynder": "start",
    "slut": "end",
    "gentag": "repeat",
    "gentagelse": "repeat",
    "rrule": "repeat",
    "undtagen": "except",
    "exdate": "except",
    "aflyst": "cancelled",
    "canceled": "cancelled",
    "flyttet": "moved",
    "sted": "location",
    "lokale": "location",
    "målgruppe": "audience",
    "arrangør": "organizer",
    "organiser": "organizer",
    "kontakt": "contact",
    "rækkefølge": "order",
    "partnere": "partners",
    "periode": "covers",
}


def key_name(key: str) -> str:
    """'image-alt' -> 'Image-Alt', as the guide writes field names."""
    return "-".join(word.capitalize() for word in key.split("-"))


def unknown_key(key: str, kind: str) -> tuple[str, str | None]:
    """The message for a key this kind of file does not have, and the key probably meant."""
    lower = key.lower()
    schema = SCHEMAS[kind]
    known = [key_name(k) for k in schema]
    meant = KEY_SYNONYMS.get(lower)
    if meant in schema:
        return f'Ukendt felt. Felterne skrives på engelsk: skriv "{key_name(meant)}".', meant
    if any(lower in other for other in SCHEMAS.values()):
        return f'{KIND_NAMES[kind].capitalize()} har ikke feltet "{key}". Tilladte felter: {", ".join(known)}.', None
    close = difflib.get_close_matches(lower, list(schema), n=1, cutoff=0.75)
    if close:
        return f'Ukendt felt. Mente du "{key_name(close[0])}"?', close[0]
    return f"Ukendt felt i {KIND_NAMES[kind]}. Tilladte felter: {', '.join(known)}.", None


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
    html: dict[str, str] = field(default_factory=dict)  # Markdown rendered beside the check (markup.prerender)


def check_source(source: Source, kind: str, settings: dict, base: Path | None = None):
    """Type every field of `source`; return (Checked, problems)."""
    moved = wrong_folder(source, kind, settings)
    if moved:
        return Checked(source.path, kind, {}, {}, source.body, source.body_line), [moved]
    problems = list(source.problems)
    schema = SCHEMAS[kind]
    values, lines, meant = {}, {}, set()
    for lower, fld in source.fields.items():
        if lower not in schema:
            message, guess = unknown_key(fld.key, kind)
            meant.add(guess)
            problems.append(Problem(source.path, fld.line, fld.key, message))
            continue
        parse, _ = schema[lower]
        try:
            values[lower] = parse(fld.value, settings)
            lines[lower] = fld.line
        except FieldError as error:
            problems.append(
                unusual_value(source.path, fld, parse, settings) or Problem(source.path, fld.line, fld.key, str(error))
            )
    for key, (_, required) in schema.items():
        if required and key not in source.fields and key not in meant:
            name = key_name(key)
            message = f'Feltet mangler. Tilføj en linje "{name}: ..." øverst i filen.'
            problems.append(Problem(source.path, 1, name, message))
    checked = Checked(source.path, kind, values, lines, source.body, source.body_line)
    if not problems:
        problems.extend(CROSS_CHECKS.get(kind, lambda c, s, b: [])(checked, settings, base))
    return checked, problems


def unusual_value(path: str, fld: Field, parse: Callable, settings: dict) -> Problem | None:
    """A value that fails only because of a look-alike character (a no-break space in a date):
    name the character, and offer the value with ordinary characters, which `tjek --ret` writes."""
    char = characters.first_unusual(fld.value)
    if char is None:
        return None
    value = characters.plain_value(fld.value)
    try:
        parse(value, settings)
    except FieldError:
        return Problem(
            path, fld.line, fld.key, f"Værdien indeholder {characters.described(char)}. Slet det, og skriv det igen."
        )
    fix = None
    if fld.raw and fld.raw.count(fld.value) == 1:
        fix = (fld.raw, fld.raw.replace(fld.value, value))
    message = (
        f"Værdien indeholder {characters.described(char)}, der ligner et almindeligt tegn. "
        f'Skriv "{value}" (invoke tjek --ret retter det).'
    )
    return Problem(path, fld.line, fld.key, message, fix=fix)


def text_problems(path: str, text: str) -> list[Problem]:
    """Characters that break a line or a font wherever they stand (Word's line separator)."""
    return [
        Problem(
            path,
            line,
            "",
            f"Linjen indeholder {characters.described(char)}. Slet det; tryk Enter, hvis der skal være et linjeskift.",
        )
        for line, char in characters.breaking(text)
    ]


FOLDER_SETTINGS = {"news": "ARTICLE_PATHS", "event": "EVENT_PATHS"}


def wrong_folder(source: Source, kind: str, settings: dict) -> Problem | None:
    """A news item saved among the events (or the other way round): one message saying where it belongs,
    instead of every field the wrong kind lacks."""
    other = {"news": "event", "event": "news"}.get(kind)
    if other is None:
        return None
    keys = set(source.fields)
    fits = lambda k: keys <= set(SCHEMAS[k]) and all(f in keys for f, (_, req) in SCHEMAS[k].items() if req)  # noqa: E731
    if fits(other) and not fits(kind):
        folder = settings[FOLDER_SETTINGS[other]][0]
        return Problem(
            source.path,
            1,
            "",
            f"Filen ligner {KIND_NAMES[other]}, men ligger i en anden mappe. Flyt den til content/{folder}/.",
        )
    return None


def check_file(path: Path, settings: dict, base: Path | None = None, kind: str | None = None):
    """Read and check one file; return (Checked or None, problems)."""
    return check_data(path.read_bytes(), path, settings, base, kind)


def check_data(data: bytes, path: Path, settings: dict, base: Path | None = None, kind: str | None = None):
    """Check `data`, the bytes of the file at `path`; return (Checked or None, problems)."""
    shown = str(path.relative_to(base.parent)) if base and path.is_relative_to(base.parent) else str(path)
    kind = kind or kind_of(path.relative_to(base) if base and path.is_relative_to(base) else path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                shown,
                line,
                "",
                "Filen er ikke gemt som UTF-8 (se æ, ø og å i denne linje). Gem den igen med tegnsættet UTF-8.",
            )
        ]
    source = parse_source(shown, text)
    if kind is None:
        return None, [Problem(shown, 1, "", "Filen ligger i en mappe, som ikke bruges.")]
    checked, problems = check_source(source, kind, settings, base)
    breaking = text_problems(shown, text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    return checked, sorted(problems + breaking, key=lambda p: p.line) if breaking else problems


# --- Checks across fields ---------------------------------------------------


def check_news(checked: Checked, settings, base: Path | None):
    values, problems = checked.values, []
    if "image" in values and "image-alt" not in values:
        problems.append(
            Problem(
                checked.path,
                checked.lines["image"],
                "Image-Alt",
                "Feltet mangler. Et billede skal have en kort beskrivelse til blinde læsere: "
                'tilføj en linje "Image-Alt: ..." under Image.',
            )
        )
    if "image" in values and base is not None and not (base / values["image"]).is_file():
        problems.append(Problem(checked.path, checked.lines["image"], "Image", missing_image(values["image"], base)))
    return problems


def missing_image(name: str, base: Path) -> str:
    """Say where the image should be, and which file was probably meant."""
    wanted = base / name
    folder = wanted.parent if wanted.parent.is_dir() else base / "billeder"
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    present = {p.name: p.relative_to(base).as_posix() for p in files}
    message = f'Billedet "{name}" findes ikke. Læg billedfilen i {base.name}/{name}, eller ret navnet.'
    close = difflib.get_close_matches(Path(name).name.lower(), [n.lower() for n in present], n=1, cutoff=0.8)
    if close:
        match = next(n for n in present if n.lower() == close[0])
        message += f' Mente du "{present[match]}"?'
    return message


def check_event(checked: Checked, settings, base):
    from rumforliv.calendar.recurrence import event_problems  # the rules live with the expansion

    return [
        Problem(checked.path, checked.lines.get(key.lower(), 1), key, message)
        for key, message in event_problems(checked.values, settings)
    ]


CROSS_CHECKS = {"news": check_news, "event": check_event}


def content_files(settings: dict):
    """Every Markdown file the build reads, as (path, base, kind)."""
    content = Path(settings["PATH"])
    for folder in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"] + settings["EVENT_PATHS"]:
        for path in sorted((content / folder).rglob("*.md"), key=parts):
            yield path, content, None
    newsletters = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    for path in sorted(newsletters.glob("*/*.md")):
        yield path, newsletters, "issue" if path.name == "index.md" else "section"


def parts(path: Path) -> tuple[str, ...]:
    """The sort key that orders paths as Path itself does, compared in C (thousands of files, every build)."""
    return path.parts


def check_tree(settings: dict, passed: CheckedTree | None = None, spread=None) -> list[Problem]:
    """Every problem in every content file, in file order; files without problems go into `passed`.
    `spread(function, items)` may check the files on two processes (parallel.spread)."""
    passed = passed if passed is not None else CheckedTree()
    return passed.check_all(list(content_files(settings)), settings, spread) + issue_folder_problems(settings)


CHECKED_SETTING = "CHECKED_CONTENT"  # where plugin.py hands a build's CheckedTree to the reader


class CheckedTree:
    """The files one build checked at its start, so the reader need not check them again.

    Each result is kept with the bytes it was checked from and handed out once:
    a file changed since (or read a second time) is checked again. A file whose
    path and bytes passed in the last build (with the same settings and code:
    build.py drops the record otherwise) is not checked again; the reader checks
    it should it read it."""

    def __init__(self, passed_before=(), prepare: Callable | None = None):
        self.prepare = prepare  # (checked, settings) -> None, on each file that passed: work done beside the check
        self.files: dict[str, tuple[bytes, Checked]] = {}
        self.passed_before = frozenset(passed_before)
        self.passed: set[str] = set()  # this build's, for the next (see `passed_digest`)
        self.sources: dict[str, bytes] = {}  # every file as read here: memo.source_digest needs no second read

    def __getstate__(self):
        """Pickled empty, like memo.PageMemo: it sits in the settings, which Pelican's content cache reaches."""
        return None

    def check_all(self, files, settings: dict, spread=None) -> list[Problem]:
        """The problems of every (path, base, kind), in order, remembering the files that passed.
        Only files that did not pass last time are checked: by `spread` if given."""
        pending = []  # (path, base, kind, data, digest)
        for path, base, kind in files:
            data = self.sources[os.path.abspath(path)] = path.read_bytes()
            digest = passed_digest(path, kind, data)
            if digest in self.passed_before:
                self.passed.add(digest)
            else:
                pending.append((path, base, kind, data, digest))
        check = functools.partial(self.check_one, settings=settings)
        results = spread(check, pending) if spread else [check(item) for item in pending]
        problems = []
        for (path, _, _, data, digest), (checked, found) in zip(pending, results):
            problems.extend(found)
            if checked is not None and not found:
                self.files[os.path.abspath(path)] = (data, checked)
                if "image" not in checked.values:  # its check also looked for the image, which may go
                    self.passed.add(digest)
        return problems

    def check_one(self, item: tuple, settings: dict) -> tuple[Checked | None, list[Problem]]:
        """check_data, then `prepare` on a file that passed; touches nothing here, so another process may run it."""
        path, base, kind, data, _ = item
        checked, problems = check_data(data, path, settings, base, kind)
        if checked is not None and not problems and self.prepare:
            self.prepare(checked, settings)
        return checked, problems

    def take(self, path: Path) -> Checked | None:
        """The result for `path` if its bytes are still those checked, else None."""
        entry = self.files.pop(os.path.abspath(path), None)
        if entry is None or path.read_bytes() != entry[0]:
            return None
        return entry[1]


def passed_digest(path: Path, kind: str | None, data: bytes) -> str:
    return hashlib.sha256(f"{os.path.abspath(path)}\0{kind}\0".encode() + data).hexdigest()


ISSUE_FOLDER = re.compile(r"\d{4}-\d{1,2}")


def issue_folder_problems(settings: dict) -> list[Problem]:
    """Newsletter folders must be named <year>-<n> and hold an index.md (as newsletter.py reads them)."""
    root = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    children = sorted(root.iterdir()) if root.is_dir() else []
    folders = [p for p in children if p.is_dir() and not p.name.startswith((".", "_"))]
    problems = []
    for folder in folders:
        shown = f"{root.name}/{folder.name}"
        if not ISSUE_FOLDER.fullmatch(folder.name):
            problems.append(Problem(shown, 1, "", 'Mappen skal hedde år-nummer, fx "2013-1".'))
        elif not (folder / "index.md").is_file():
            problems.append(Problem(shown, 1, "", "Mappen mangler index.md med Title og Date."))
    return problems
