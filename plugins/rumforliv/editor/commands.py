"""Everyday editor tasks as plain functions: new files, cancelling a date,
checking, building with progress, publishing.

The invoke tasks in tasks.py only call these, so every task can be tested
without a shell. Every message is for a volunteer editor, in plain Danish;
an `EditorError` carries one that the task prints as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from rumforliv.calendar.recurrence import build_schedule, site_zone
from rumforliv.content import characters, gate, schema
from rumforliv.wording.text import slugify

WEEKDAYS = {
    "ma": "MO",
    "man": "MO",
    "mandag": "MO",
    "ti": "TU",
    "tir": "TU",
    "tirsdag": "TU",
    "on": "WE",
    "ons": "WE",
    "onsdag": "WE",
    "to": "TH",
    "tor": "TH",
    "torsdag": "TH",
    "fr": "FR",
    "fre": "FR",
    "fredag": "FR",
    "lø": "SA",
    "lør": "SA",
    "lørdag": "SA",
    "lo": "SA",
    "sø": "SU",
    "søn": "SU",
    "søndag": "SU",
    "so": "SU",
}
DAY_NAMES = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class EditorError(Exception):
    """A task cannot be done; the message tells the editor what to do instead."""


# --- Words ------------------------------------------------------------------

KIND_WORDS = {
    "news": ("nyhed", "nyheder"),
    "event": ("aktivitet", "aktiviteter"),
    "page": ("side", "sider"),
    "issue": ("nyhedsbrev", "nyhedsbreve"),
}


def count_words(counts: Counter) -> str:
    """'20 nyheder, 14 aktiviteter, 31 sider, 1 nyhedsbrev'."""
    return ", ".join(plural(counts.get(kind, 0), *words) for kind, words in KIND_WORDS.items())


def plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def seconds(value: float) -> str:
    """'4,2 s' (Danish decimal comma)."""
    return f"{value:.1f}".replace(".", ",") + " s"


# --- Choosing from the site's vocabularies -----------------------------------


def pick(value: str, allowed: list[str], field_name: str, option: str) -> str:
    """Match what an editor typed on the command line to one allowed value.

    Exact (any case) or a unique start ("børn" -> "Børn, unge og familier")
    is accepted; anything else is refused with the choices and a suggestion.
    """
    wanted = value.strip().lower()
    for item in allowed:
        if item.lower() == wanted:
            return item
    starts = [item for item in allowed if item.lower().startswith(wanted) and wanted]
    if len(starts) == 1:
        return starts[0]
    raise EditorError(
        f'{option} "{value}" er ikke {field_name}. Brug en af: {schema.quoted(allowed)}.'
        + schema.suggest(value, allowed)
    )


def pick_estates(value: str | None, settings: dict) -> list[str]:
    if not value:
        return list(settings["ESTATES"])
    return [pick(item, settings["ESTATES"], "en afdeling", "--afdeling") for item in value.split(",") if item.strip()]


def pick_category(value: str | None, settings: dict) -> str:
    if not value:
        return settings["CATEGORIES"][0]
    return pick(value, settings["CATEGORIES"], "et indsatsområde", "--kategori")


def weekly_rule(days: str) -> str:
    """'ma,on' -> 'FREQ=WEEKLY;BYDAY=MO,WE'."""
    codes = []
    for item in days.split(","):
        word = item.strip().lower()
        if not word:
            continue
        if word.upper() in RRULE_DAYS:
            codes.append(word.upper())
        elif word in WEEKDAYS:
            codes.append(WEEKDAYS[word])
        else:
            raise EditorError(
                f'--ugentlig: "{item.strip()}" er ikke en ugedag. Skriv fx "ma,on" (ma, ti, on, to, fr, lø, sø).'
            )
    if not codes:
        raise EditorError('--ugentlig: skriv mindst én ugedag, fx "ti" eller "ma,on".')
    ordered = sorted(set(codes), key=RRULE_DAYS.index)
    return "FREQ=WEEKLY;BYDAY=" + ",".join(ordered)


def option_value(parse: Callable, value: str, option: str, settings: dict):
    """Parse a command-line value with the schema's own parser and messages."""
    try:
        return parse(value, settings)
    except schema.FieldError as error:
        raise EditorError(f"{option}: {error}") from None


# --- New files --------------------------------------------------------------


def content_dir(settings: dict, setting: str) -> Path:
    return Path(settings["PATH"]) / settings[setting][0]


def title_slug(title: str, settings: dict) -> str:
    if title.startswith("-"):
        raise EditorError(
            f'Titlen "{title}" ligner en indstilling. Skriv titlen i anførselstegn; '
            "hjælpen får du med: invoke --help ny-nyhed"
        )
    slug = slugify(title, settings).strip("-")
    if not slug:
        raise EditorError(f'Titlen "{title}" skal indeholde mindst ét bogstav eller tal.')
    return shortened(slug)


FILE_NAME_WORDS = 60  # characters of a slug in a new file's name (and a new event's Slug)


def shortened(slug: str, limit: int = FILE_NAME_WORDS) -> str:
    """A long title's slug cut after a whole word, so file names and addresses stay short."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if len(cut) >= limit // 2 else slug[:limit].rstrip("-")


def write_new(path: Path, text: str, settings: dict, kind: str) -> Path:
    """Write a new content file, never over an existing one, and prove it passes."""
    if path.exists():
        raise EditorError(f"Filen {path} findes allerede. Ret den i stedet, eller vælg en anden titel.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    _, problems = schema.check_file(path, settings, Path(settings["PATH"]), kind)
    if problems:
        path.unlink()
        raise EditorError("Filen kunne ikke laves:\n" + "\n".join(str(p) for p in problems))
    return path


def new_news(
    settings: dict, title: str, estate: str | None = None, category: str | None = None, now: dt.datetime | None = None
) -> Path:
    """Write content/nyheder/<date>-<slug>.md from a template; return its path."""
    title = option_value(schema.parse_title, title, "Titel", settings)
    now = (now or dt.datetime.now(site_zone(settings))).replace(second=0, microsecond=0)
    slug = title_slug(title, settings)
    estates = pick_estates(estate, settings)
    lines = [
        f"Title: {title}",
        f"Date: {now:%Y-%m-%d %H:%M}",
        f"Category: {pick_category(category, settings)}",
    ]
    if estate:
        lines.append(f"Estate: {', '.join(estates)}")
    text = "\n".join(lines) + (
        "\n\nSkriv nyheden her. Det første afsnit bruges som resumé på forsiden og i nyhedsbrevet.\n"
    )
    path = content_dir(settings, "ARTICLE_PATHS") / f"{now:%Y-%m-%d}-{slug}.md"
    return write_new(path, text, settings, "news")


def new_event(
    settings: dict,
    title: str,
    start: str,
    end: str | None = None,
    weekly: str | None = None,
    until: str | None = None,
    location: str | None = None,
    estate: str | None = None,
    category: str | None = None,
) -> Path:
    """Write content/kalender/<slug>.md from a template; return its path."""
    title = option_value(schema.parse_title, title, "Titel", settings)
    begins = option_value(schema.parse_datetime, start, "--start", settings)
    lines = [f"Title: {title}", f"Start: {format_moment(begins)}"]
    if end:
        lines.append(f"End: {format_moment(end_moment(begins, end, settings))}")
    if weekly:
        rule = weekly_rule(weekly)
        check_start_day(begins, rule)
        if until:
            last = option_value(schema.parse_date, until, "--indtil", settings)
            rule += f";UNTIL={last:%Y%m%d}"
        lines.append(f"Repeat: {rule}")
    elif until:
        raise EditorError("--indtil bruges kun sammen med --ugentlig.")
    place = location or settings.get("CONTACT", {}).get("address") or "Skriv stedet her"
    lines += [
        f"Location: {place}",
        f"Estate: {', '.join(pick_estates(estate, settings))}",
        f"Category: {pick_category(category, settings)}",
    ]
    # The slug is written out: it is the event's permanent address and calendar UID,
    # so a later change of title must not change it.
    slug = title_slug(title, settings)
    lines.append(f"Slug: {slug}")
    text = "\n".join(lines) + "\n\nSkriv her, hvad aktiviteten går ud på, og hvem den er for.\n"
    path = content_dir(settings, "EVENT_PATHS") / f"{slug}.md"
    return write_new(path, text, settings, "event")


def format_moment(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value.isoformat()


def end_moment(begins, end: str, settings: dict):
    """--slut may be a time ("17:00", same day) or a full date and time."""
    clock = re.fullmatch(r"(\d{1,2})[:.](\d{2})", end.strip())
    if clock and isinstance(begins, dt.datetime):
        return option_value(schema.parse_datetime, f"{begins:%Y-%m-%d} {end.strip()}", "--slut", settings)
    return option_value(schema.parse_datetime, end, "--slut", settings)


def check_start_day(begins, rule: str) -> None:
    """The first date must be one of the repeating days, or calendars disagree."""
    days = rule.split("BYDAY=")[1].split(";")[0].split(",")
    code = RRULE_DAYS[begins.weekday()]
    if code not in days:
        names = ", ".join(DAY_NAMES[RRULE_DAYS.index(d)] for d in days)
        raise EditorError(
            f"--start er en {DAY_NAMES[begins.weekday()]}, men aktiviteten gentages {names}. "
            "Vælg en startdato på en af de dage."
        )


# --- Cancelling one date ----------------------------------------------------


def find_event(settings: dict, name: str) -> Path:
    """content/kalender/<name>.md, or the (Danish) event whose slug or title matches."""
    folder = content_dir(settings, "EVENT_PATHS")
    wanted = slugify(Path(name.strip()).name.removesuffix(".md"), settings)  # also "content/kalender/x.md"
    direct = folder / f"{wanted}.md"
    if direct.is_file():
        return direct
    default_first = sorted(folder.rglob("*.md"), key=lambda path: (path.stem.count("."), path.name))
    for path in default_first:
        fields = header(path)
        names = {slugify(fields[k].value, settings) for k in ("slug", "title") if k in fields}
        if wanted in names:
            return path
    starting = [p.stem for p in default_first if "." not in p.stem and p.stem.startswith(wanted) and wanted]
    if len(starting) == 1:
        return folder / f"{starting[0]}.md"
    if starting:
        raise EditorError(
            f'Flere aktiviteter begynder med "{name}": {", ".join(starting)}. Skriv hele navnet, fx "{starting[0]}".'
        )
    known = sorted(p.stem for p in folder.rglob("*.md"))
    close = schema.suggest(wanted, known)
    raise EditorError(
        f'Der er ingen aktivitet, der hedder "{name}".{close or " Skriv filnavnet uden .md, fx lektiecafe-boern."}'
    )


def header(path: Path) -> dict:
    return schema.parse_source(str(path), path.read_text(encoding="utf-8", errors="replace")).fields


def translations_of(path: Path, slug: str) -> list[Path]:
    """The other language versions of an event: files with the same Slug."""
    return sorted(
        other
        for other in path.parent.parent.rglob("*.md")
        if other != path and "slug" in (fields := header(other)) and fields["slug"].value.strip() == slug
    )


def cancel(settings: dict, name: str, day: str) -> list[Path]:
    """Add `day` to Cancelled: of one event and of its translations (which must keep the
    same dates); return the files changed. Everything else in them stays byte for byte."""
    path = find_event(settings, name)
    date = option_value(schema.parse_date, day, "DATO", settings)
    base = Path(settings["PATH"])
    checked = checked_event(path, settings, base)
    schedule = build_schedule(checked.values, settings)
    if date in schedule.excluded:
        raise EditorError(f"{date} er allerede sprunget over (står i Except), så den skal ikke aflyses.")
    if date in dict(schedule.moves):
        raise EditorError(f"{date} er flyttet (står i Moved). Slet flytningen først, hvis den skal aflyses.")
    if not schedule.is_slot_day(date):
        from rumforliv.calendar.recurrence import not_a_slot

        raise EditorError(not_a_slot(schedule, date))
    slug = checked.values.get("slug") or slugify(checked.values["title"], settings)
    originals = {}
    for version in [path] + translations_of(path, slug):
        values = checked_event(version, settings, base).values
        if date not in build_schedule(values, settings).cancelled_days:
            originals[version] = version.read_bytes()
    for version, data in originals.items():
        version.write_bytes(with_cancelled(data, date))
    problems = [p for version in originals for p in schema.check_file(version, settings, base, "event")[1]]
    if problems:  # never leave a broken file behind
        for version, data in originals.items():
            version.write_bytes(data)
        raise EditorError("Datoen kunne ikke aflyses:\n" + "\n".join(str(p) for p in problems))
    return list(originals)


def checked_event(path: Path, settings: dict, base: Path) -> schema.Checked:
    checked, problems = schema.check_file(path, settings, base, "event")
    if problems:
        raise EditorError("Ret først fejlene i filen, så kan datoen aflyses:\n" + "\n".join(str(p) for p in problems))
    return checked


def with_cancelled(data: bytes, date: dt.date) -> bytes:
    """The file with `date` added to its Cancelled: line (or a new line), nothing else changed."""
    text = data.decode("utf-8")
    source = schema.parse_source("", text)
    lines = text.split("\n")  # keeps a "\r" at the end of each line of a Windows file
    newline = "\r" if lines[0].endswith("\r") else ""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    field = source.fields.get("cancelled")
    if field:
        index = last_line_of(lines, field.line - 1)
        line = lines[index]
        stripped = line.rstrip("\r").rstrip()
        lines[index] = f"{stripped}, {date}" + ("\r" if line.endswith("\r") else "")
    else:
        anchors = [source.fields[k].line - 1 for k in ("except", "repeat", "end", "start") if k in source.fields]
        index = last_line_of(lines, max(anchors))
        lines.insert(index + 1, f"Cancelled: {date}{newline}")
    result = "\n".join(lines)
    if bom and not result.startswith(bom):
        result = bom + result
    return result.encode("utf-8")


def last_line_of(lines: list[str], index: int) -> int:
    """A field's value may continue on indented lines; return its final line."""
    while index + 1 < len(lines) and lines[index + 1][:1] in (" ", "\t") and lines[index + 1].strip():
        index += 1
    return index


# --- Checking everything ----------------------------------------------------


@dataclass
class CheckReport:
    problems: list[schema.Problem]
    counts: Counter
    warnings: list[schema.Problem] = dataclass_field(default_factory=list)
    files: dict[str, Path] = dataclass_field(default_factory=dict)  # each file's shown name -> its path

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        also = f" ({plural(len(self.warnings), 'advarsel', 'advarsler')})" if self.warnings else ""
        if self.ok:
            return f"Alt er i orden: {count_words(self.counts)}.{also}"
        files = len({p.path for p in self.problems})
        return (
            f"{plural(len(self.problems), 'fejl', 'fejl')} i {plural(files, 'fil', 'filer')}{also}. "
            f"Ret {'den' if len(self.problems) == 1 else 'dem'} og kør 'invoke tjek' igen."
        )

    def lines(self) -> list[str]:
        """Errors and warnings, by file and line, as `tjek` prints them."""
        every = sorted(self.problems + self.warnings, key=lambda p: (p.path, p.line))
        return [str(problem) for problem in every]


def check_all(settings: dict) -> CheckReport:
    """Every problem in every content file, and how many files of each kind.

    Also what the build checks across files (gate.py: addresses, unread files, fonts,
    newsletter seasons), and that an activity's translations keep its dates (so
    `tjek` passing means the build will), and the warnings the build prints.
    """
    problems, counts, events, sources, shown, mistaken = [], Counter(), [], {}, {}, []
    for path, base, kind in schema.content_files(settings):
        relative = path.relative_to(base) if path.is_relative_to(base) else path
        kind = kind or schema.kind_of(relative)
        counts[kind] += 1
        data = sources[os.path.abspath(path)] = path.read_bytes()
        shown[str(path.relative_to(base.parent)) if path.is_relative_to(base.parent) else str(path)] = path
        checked, found = schema.check_data(data, path, settings, base, kind)
        problems.extend(found)
        if kind == "event" and checked is not None:
            (mistaken if found else events).append((path, checked))
    problems.extend(schema.issue_folder_problems(settings))
    problems.extend(translation_problems(events, settings, mistaken))
    entries = gate.entries(settings, sources)
    problems.extend(gate.errors(settings, entries))
    counts.pop("section", None)
    return CheckReport(problems, counts, gate.warnings(settings, entries), shown)


def repair(settings: dict) -> list[str]:
    """`tjek --ret`: write the fixes whose meaning is unambiguous (a no-break space in a date, smart
    quotes around a key), each on its own line only; return what was changed, for the editor.
    A line with two such mistakes is fixed in two passes (the second fix is found on the fixed line)."""
    done: list[str] = []
    for _ in range(3):
        changed = repair_once(check_all(settings))
        done += changed
        if not changed:
            break
    return done


def repair_once(report: CheckReport) -> list[str]:
    done = []
    by_file: dict[Path, list[schema.Problem]] = {}
    for problem in report.problems:
        if problem.fix and problem.path in report.files:
            by_file.setdefault(report.files[problem.path], []).append(problem)
    for path, fixes in by_file.items():
        lines = path.read_bytes().decode("utf-8").split("\n")  # keeps each line's "\r"
        for problem in fixes:
            old, new = problem.fix
            index = problem.line - 1
            if lines[index].rstrip("\r").lstrip("\ufeff") != old:
                continue  # another fix changed this line: found again in the next pass
            lines[index] = lines[index].replace(old, new, 1)
            done.append(f"{problem.path}:{problem.line}: {problem.key}: Rettet: {characters.changes(old, new)}.")
        path.write_bytes("\n".join(lines).encode("utf-8"))
    return done


def translation_problems(events, settings: dict, mistaken=()) -> list[schema.Problem]:
    """languages.py's checks on translated activities, run on the checked files alone. A translation of a
    Danish file that has a mistake of its own (`mistaken`, reported already) is no orphan: one mistake
    is told once, in the file it is in."""
    from types import SimpleNamespace

    from rumforliv.site.languages import orphan_problems, schedule_problems

    default = settings["DEFAULT_LANG"]
    groups: dict[str, list] = {}
    for path, checked in events:
        values = checked.values
        if values.get("status") == "draft":
            continue
        item = SimpleNamespace(
            source_path=str(path),
            lang=values.get("lang", default),
            translations=[],
            slug=values.get("slug") or slugify(values["title"], settings),
            schedule=build_schedule(values, settings),
        )
        groups.setdefault(item.slug, []).append(item)
    originals = []
    for items in groups.values():
        danish = [item for item in items if item.lang == default][:1]
        if danish:
            danish[0].translations = [item for item in items if item is not danish[0]]
        originals.extend(danish or items)
    there = {
        checked.values.get("slug") or slugify(checked.values.get("title", ""), settings) for _, checked in mistaken
    }
    orphans = [item for item in originals if item.slug not in there]
    return orphan_problems(orphans, settings) + schedule_problems(originals, settings)


# --- Building with progress ---------------------------------------------------


@dataclass
class BuildReport:
    output: Path
    counts: Counter
    pdfs: int
    seconds: float

    def summary(self) -> str:
        words = count_words(self.counts)
        if self.counts.get("issue"):
            words += f" ({self.pdfs} PDF)"
        return f"Bygget: {words} på {seconds(self.seconds)}."


@contextlib.contextmanager
def quiet_pelican(verbose: bool = False):
    """Hide Pelican's own log lines and 'Done:' line unless the editor asks for them.

    Errors still reach build.py's collector; only the console stays quiet.
    """
    from pelican.log import DEFAULT_LOG_HANDLER, console

    logger = logging.getLogger("pelican")
    handler = DEFAULT_LOG_HANDLER if verbose else logging.NullHandler()
    was_quiet, old_level = console.quiet, logger.level
    logger.addHandler(handler)
    if verbose:
        logger.setLevel(logging.INFO)
    else:
        console.quiet = True
    try:
        yield
    finally:
        console.quiet = was_quiet
        logger.setLevel(old_level)
        logger.removeHandler(handler)


def load_quietly(settings_file: str | Path, **overrides) -> dict:
    """Settings without Pelican's warnings about feeds and URLs (they are not the editor's business)."""
    from rumforliv.build.run import load_settings

    with quiet_pelican():
        return load_settings(settings_file, **overrides)


class IssueProgress(logging.Handler):
    """Turns the newsletter's log record per printed issue into a progress line."""

    def __init__(self, say: Callable[[str], None]):
        super().__init__(level=logging.INFO)
        self.say = say

    def emit(self, record):
        if hasattr(record, "waiting"):
            self.say(f"Nyhedsbrev {record.waiting} trykkes senere")
        elif hasattr(record, "issue"):
            reused = " (uændret, genbrugt)" if getattr(record, "cached", False) else ""
            self.say(
                f"Nyhedsbrev {record.issue}: {plural(record.pages, 'side', 'sider')} på "
                f"{seconds(record.seconds)}{reused}"
            )


@contextlib.contextmanager
def progress_lines(say: Callable[[str], None]):
    """Short Danish lines at each stage of a Pelican run, and one per newsletter issue."""
    from pelican import signals

    def checking(pelican):
        say("Tjekker indholdet …")

    def writing(generators):
        say("Skriver hjemmesiden, kalenderen, feeds og nyhedsbreve …")

    hooks = [(signals.initialized, checking), (signals.all_generators_finalized, writing)]
    for signal, hook in hooks:
        signal.connect(hook)
    newsletter_log = logging.getLogger("rumforliv.newsletter")
    handler, old_level = IssueProgress(say), newsletter_log.level
    newsletter_log.addHandler(handler)
    newsletter_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        for signal, hook in hooks:
            signal.disconnect(hook)
        newsletter_log.removeHandler(handler)
        newsletter_log.setLevel(old_level)


def build_site(
    settings_file: str | Path,
    output: str | Path | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = print,
    **overrides,
) -> BuildReport:
    """The atomic build of build.py, with progress lines and a summary."""
    from rumforliv.build.run import BuildFailed, build

    began = time.monotonic()
    settings = load_quietly(settings_file, **overrides)
    checked = check_all(settings)
    for warning in checked.warnings:  # what builds but an editor should know; the build goes on
        say(str(warning))
    counts = checked.counts
    with quiet_pelican(verbose), progress_lines(say):
        try:
            target = build(settings_file, output, **overrides)
        except (BuildFailed, KeyboardInterrupt):
            raise
        except Exception as error:
            if verbose:
                raise
            raise EditorError(
                f"Bygningen stoppede med en teknisk fejl ({type(error).__name__}: {error}).\n"
                "Den tidligere side i output/ er ikke ændret. Kør kommandoen igen med --detaljer "
                "og send det hele til den, der passer koden."
            ) from error
    pdfs = len(list(target.glob("**/*.pdf")))
    return BuildReport(target, counts, pdfs, time.monotonic() - began)


# --- Publishing -------------------------------------------------------------

REMOTE = re.compile(r"^(?:[^@/\s]+@)?[A-Za-z0-9.-]+:")


def is_remote(target: str) -> bool:
    """'user@host:/path/' goes by rsync over SSH; anything else is a local folder."""
    return bool(REMOTE.match(target)) and not re.match(r"^[A-Za-z]:[\\/]", target)


def publish_target(settings: dict, override: str | None = None) -> str:
    target = (override or settings.get("PUBLISH_TARGET") or "").strip()
    if not target:
        raise EditorError(
            "Der er ikke angivet, hvor siden skal udgives. Skriv fx "
            'PUBLISH_TARGET = "bruger@server:/var/www/rumforliv/" i publishconf.py.'
        )
    return target


def check_folder_target(target: Path) -> None:
    """Only an empty folder or an earlier site may be replaced."""
    if target.exists() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise EditorError(
            f"Mappen {target} er ikke tom og indeholder ingen hjemmeside (index.html). "
            "Udgiv til en tom mappe eller til en tidligere udgivelse."
        )


def copy_to_folder(site: Path, target: Path) -> None:
    """Replace a local folder by the new site in one swap; refuse anything but a site."""
    from rumforliv.build.run import swap_into_place

    check_folder_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.rmdir()
    shutil.copytree(site, staging)
    swap_into_place(staging, target)


def rsync_command(site: Path, target: str) -> list[str]:
    return [
        "rsync",
        "--recursive",
        "--links",
        "--times",
        "--compress",
        "--delete",
        "--chmod=Du=rwx,Dgo=rx,Fu=rw,Fgo=r",
        "-e",
        "ssh",
        f"{site}/",
        target,
    ]


def publish(
    settings_file: str | Path,
    target: str | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = print,
    run: Callable = subprocess.run,
    **overrides,
) -> str:
    """Check, build with the publish settings, then copy to the target. Returns the target."""
    settings = load_quietly(settings_file, **overrides)
    where = publish_target(settings, target)
    if not is_remote(where):
        check_folder_target(Path(where))
    report = check_all(settings)
    if not report.ok:
        raise EditorError(
            "Siden er ikke udgivet, fordi der er fejl:\n"
            + "\n".join(str(p) for p in report.problems)
            + "\n"
            + report.summary()
        )
    # Built apart from output/, so the local preview keeps its own links and drafts.
    with tempfile.TemporaryDirectory(prefix="rumforliv-udgiv-") as folder:
        built = build_site(settings_file, Path(folder) / "site", verbose=verbose, say=say, **overrides)
        say(built.summary())
        say(f"Kopierer siden til {where} …")
        if is_remote(where):
            result = run(rsync_command(built.output, where))
            if result.returncode != 0:
                raise EditorError(
                    f"Kopieringen til {where} mislykkedes (rsync fejlkode {result.returncode}). "
                    "Tjek internetforbindelsen, og at din SSH-nøgle har adgang til serveren."
                )
        else:
            copy_to_folder(built.output, Path(where))
    return where


# --- The newsletter ----------------------------------------------------------


@dataclass
class NewsletterReport:
    issue: str
    pdfs: list[Path]
    seconds: float

    def summary(self) -> str:
        return f"Nyhedsbrev {self.issue}: {plural(len(self.pdfs), 'PDF', 'PDF')} på {seconds(self.seconds)}."

    def described(self, shown: Callable[[Path], str] = str) -> list[str]:
        """One line per PDF saying which printer it is for (screen/home, print shop, office copier)."""
        order = {"": 0, "-tryk": 1, "-haefte": 2}
        kind = lambda path: path.stem.removeprefix(self.issue)  # noqa: E731
        pdfs = sorted(self.pdfs, key=lambda path: (len(path.parts), str(path.parent), order.get(kind(path), 3)))
        return [f"{shown(path)}  ({PDF_PURPOSES.get(kind(path), 'PDF')})" for path in pdfs]


PDF_PURPOSES = {
    "": "til skærm, mail og hjemmeprinter",
    "-tryk": "til trykkeriet: A5 med 3 mm beskæring",
    "-haefte": "til kopimaskinen: A4 liggende, dobbeltsidet, vend på den korte kant, fold og hæft",
}


def issue_names(settings: dict) -> list[str]:
    """Issue folders ('2013-1', ...), oldest first, counting numbers as numbers."""
    folder = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    names = [p.parent.name for p in folder.glob("*/index.md")]
    return sorted(names, key=lambda name: [int(part) if part.isdigit() else part for part in name.split("-")])


def pick_issue(settings: dict, issue: str | None) -> str:
    names = issue_names(settings)
    if not names:
        raise EditorError("Der er ingen nyhedsbreve endnu. Lav en mappe som newsletter/2013-1/ med en index.md.")
    if issue is None:
        return names[-1]
    issue = Path(issue.strip().removesuffix("index.md").rstrip("/")).name  # also "newsletter/2013-2/"
    if issue not in names:
        raise EditorError(f'Der er intet nyhedsbrev "{issue}". Der er: {", ".join(names)}.')
    return issue


def new_issue(settings: dict, today: dt.date | None = None) -> Path:
    """Start the next issue's folder: index.md with number, season and date, and the last issue's
    sections (same file names and titles) with placeholder text that `tjek` refuses until replaced."""
    root = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    names = issue_names(settings)
    if names:
        last = root / names[-1]
        previous = schema.check_file(last / "index.md", settings, root, "issue")[0]
        if previous is None or "date" not in previous.values:
            raise EditorError(f"Ret først {root.name}/{names[-1]}/index.md (kør invoke tjek).")
        start = gate.season_start(previous.values["date"])
        begins = gate.season_start(start + dt.timedelta(days=100))  # the season after
    else:
        last, today = None, today or dt.date.today()
        begins = gate.season_start(today)
        begins = begins if begins >= today else gate.season_start(begins + dt.timedelta(days=100))
    number = 1 + sum(1 for name in names if name.split("-")[0] == str(begins.year))
    folder = root / f"{begins.year}-{number}"
    if folder.exists():
        raise EditorError(f"Mappen {root.name}/{folder.name} findes allerede. Ret den i stedet.")
    ends = gate.season_start(begins + dt.timedelta(days=100)) - dt.timedelta(days=1)
    year, name = gate.season(begins)
    files = {
        "index.md": f"Title: Nyhedsbrev · {name.capitalize()} {year}\nDate: {begins}\nCovers: {begins} .. {ends}\n\n"
        "Skriv lederen her.\n"
    }
    for section in sorted(last.glob("*.md")) if last else []:
        if section.name != "index.md" and section.name.count(".") == 1:  # translations are made anew
            title = header(section).get("title")
            if title:
                files[section.name] = f"Title: {title.value}\n\nSkriv afsnittet her.\n"
    folder.mkdir(parents=True)
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8", newline="\n")
    return folder


def build_newsletter(
    settings_file: str | Path,
    issue: str | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = print,
    **overrides,
) -> NewsletterReport:
    """One issue's PDFs. The PDFs need the whole site (calendar, news), so the site is built too."""
    began = time.monotonic()
    name = pick_issue(load_quietly(settings_file, **overrides), issue)
    say(f"Laver nyhedsbrev {name} …")
    built = build_site(settings_file, verbose=verbose, say=say, **overrides)
    pdfs = sorted(built.output.glob(f"**/nyhedsbrev/{name}*.pdf"))
    return NewsletterReport(name, pdfs, time.monotonic() - began)


# --- Stairwell posters ---------------------------------------------------------


def pick_month(value: str | None, settings: dict) -> str:
    """'2013-06' as typed after --maaned; default the month of the build's today."""
    if not value:
        return load_today(settings).strftime("%Y-%m")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise EditorError(f'--maaned "{value}" forstås ikke. Skriv år og måned, fx --maaned 2013-06.')
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def load_today(settings: dict) -> dt.date:
    import os

    value = os.environ.get("SITE_TODAY") or settings.get("SITE_TODAY")
    return dt.date.fromisoformat(str(value)) if value else dt.date.today()


def build_posters(
    settings_file: str | Path,
    month: str | None = None,
    estates: str | None = None,
    a3: bool = False,
    verbose: bool = False,
    say: Callable[[str], None] = print,
    **overrides,
) -> list[Path]:
    """The posters of one month (and estates), built with the site, whose calendar they print."""
    settings = load_quietly(settings_file, **overrides)
    request = {"month": pick_month(month, settings), "estates": pick_estates(estates, settings)}
    request["size"] = "A3" if a3 else "A4"
    say(f"Laver opslag for {request['month']} …")
    built = build_site(settings_file, verbose=verbose, say=say, POSTER_REQUEST=request, **overrides)
    suffix = "-a3" if a3 else ""
    return sorted(built.output.glob(f"opslag/{request['month']}-*{suffix}.pdf"))


# --- The success report -----------------------------------------------------------


def build_report(
    settings_file: str | Path,
    year: str | int,
    log: str | Path | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = print,
    **overrides,
) -> list[Path]:
    """The year's success report (HTML and PDF), built with the site, whose content it counts."""
    if not re.fullmatch(r"\d{4}", str(year).strip()):
        raise EditorError(f'--aar "{year}" forstås ikke. Skriv et årstal, fx --aar 2014.')
    if log is not None and not Path(log).is_file():
        raise EditorError(f'Adgangsloggen "{log}" findes ikke. Skriv stien til webserverens log, fx --log access.log.')
    request = {"year": int(year), "log": str(Path(log).resolve()) if log else None}
    say(f"Laver rapporten for {request['year']} …")
    built = build_site(settings_file, verbose=verbose, say=say, REPORT_REQUEST=request, **overrides)
    return [built.output / "rapport" / str(request["year"]) / "index.html", built.output / "rapport" / f"{year}.pdf"]
