"""What a rebuild may reuse: a page whose inputs did not change is kept, not rendered.

A page is rendered from its template, the values its generator passes to
that template, and what every page may show (settings, theme, catalogues,
the site's pages for menus, today's date). A digest of all that is the
page's key; `pages.json` in the cache folder remembers the key of every page
of the last successful build, with the size and time of the file it wrote.
When the key and the file are the same, the file is kept where it is in
`output/` instead of being rendered again (build.py moves only the rendered
files in, and removes the files no page wrote).

Values are digested by what they are: content by its source file (and its
translations'), dataclasses field by field, lists in order. A value of any
other kind makes its page render as usual, so an unknown input can cost
time but never show stale text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import operator
import re
from collections.abc import Callable
from pathlib import Path

from jinja2 import meta
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from rumforliv.build.store import write_whole
from rumforliv.calendar.recurrence import Occurrence
from rumforliv.content.schema import CHECKED_SETTING

READ_BY_FILTERS = {"page_lang", "page_dir", "page_versions"}  # i18n's filters read these from the context
SETTING = "PAGE_MEMO"  # the build's PageMemo, in the settings every writer sees
MANIFEST = "pages.json"
SIMPLE = (str, int, float, bool, dt.date, dt.time, dt.timedelta, Path, type(None))  # date covers datetime
DEEPEST = 40  # nesting beyond this is not a page's data but a cycle


INTRASITE = re.compile(rb"\{(filename|static|attach|index|tag|category|author)\}")  # Pelican's links
HEADER_END = re.compile(rb"\n[ \t]*\n")  # the first blank line ends the header fields (schema.parse_source)


def source_digest(content, part: str = "whole") -> str:
    """SHA-256 of the content's source file, or of its header fields alone (part="header"): read once
    per object (a build reads each file once)."""
    digests = getattr(content, "_source_digests", None)
    if digests is None:
        data = source_bytes(content)
        header = HEADER_END.split(data.replace(b"\r\n", b"\n"), 1)[0]
        digests = content._source_digests = {
            "whole": hashlib.sha256(data).hexdigest(),
            "header": hashlib.sha256(header).hexdigest(),
        }
        content._links_other_files = {"whole": bool(INTRASITE.search(data)), "header": bool(INTRASITE.search(header))}
    return digests[part]


PASSED = "passed-content.json"  # in the cache folder: the files that passed at the last build's start


def load_passed(cache: Path) -> set[str]:
    """The digests (schema.passed_digest) of the files that passed the last build's check."""
    try:
        passed = json.loads((cache / PASSED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return set(passed) if isinstance(passed, list) else set()


def save_passed(cache: Path, passed: set[str]) -> None:
    write_whole(cache / PASSED, json.dumps(sorted(passed)).encode("utf-8"))


def folder_digest(folder: Path) -> str:
    """Every file's relative path and bytes, in a stable order."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def template_names(env, name: str, seen: set[str], parsed: dict) -> set[str] | None:
    """Names `name` reads, with those of the templates it extends, includes and imports (once each).
    `parsed` keeps, per template, the names it reads itself and the templates it names: every page
    template extends base.html, and parsing it for each of them was half a second of a cold build."""
    if name in seen:
        return set()
    seen.add(name)
    if name not in parsed:
        tree = env.parse(env.loader.get_source(env, name)[0])
        parsed[name] = (frozenset(meta.find_undeclared_variables(tree)), list(meta.find_referenced_templates(tree)))
    own, others = parsed[name]
    names = set(own)
    for other in others:
        more = template_names(env, other, seen, parsed) if other is not None else None  # None: chosen at render time
        if more is None:
            return None
        names |= more
    return names


def attributes(names: list[str]) -> Callable:
    """The named attributes of an object, as a tuple (attrgetter gives a lone one bare)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        lone = operator.attrgetter(names[0])
        return lambda value: (lone(value),)
    return lambda value: ()


def source_bytes(content) -> bytes:
    """The content's file as the build's content check read it (schema.CheckedTree), else from disk. Read
    before Pelican read it, so a file saved meanwhile is digested as it was and rendered again next time."""

    checked = getattr(content, "settings", {}).get(CHECKED_SETTING)
    data = checked.sources.get(content.source_path) if checked is not None else None
    return data if data is not None else Path(content.source_path).read_bytes()


# What the fields of the calendar model mean for a page's key. Listings show an occurrence's event by
# its header fields, never its body: a changed description renders only the event's own page again.
HEADER_ONLY = {Occurrence: {"event"}}
# Fields an expansion's stamp stands for (build.expansions): which expansion, which place in it.
STAMPED = {Occurrence: {"start", "end", "original_start", "cancelled", "moved"}}


def header_flags(kind: type, fields) -> tuple[bool, ...]:
    """For each dataclass field: whether only the header of the content in it counts."""
    header_only = HEADER_ONLY.get(kind, ())
    return tuple(f.name in header_only for f in fields)


class Unmemoizable(Exception):
    """A value the memo cannot digest: its page is rendered."""


class PageMemo:
    """One build's reuse of the previous build's pages."""

    def __init__(self, cache: Path, previous: Path, staging: Path, build_key: str):
        self.file = Path(cache) / MANIFEST
        self.previous, self.staging, self.build_key = Path(previous), Path(staging), build_key
        self.known, self.stored_names = self.load()
        self.theme: str | None = None  # digest of the theme's templates, once the site digest is made
        self.written: dict[str, list] = {}  # every page and feed of this build -> [key, size, mtime]
        self.kept: set[str] = set()  # those left in `previous` as the last build wrote them
        self.site: bytes | None = None  # digest of what every page may show; set on the first page
        self._digests: dict = {}  # id(object) (or ("header", id), ("part", id) ...) -> digest
        self._alive: list = []  # those objects, kept so that no other object takes their id
        self._names: dict[str, set[str] | None] = {}  # template name -> names it reads
        self._parsed: dict[str, tuple] = {}  # template name -> (names it reads itself, templates it names)
        self._fields: dict[type, tuple] = {}  # dataclass -> its compared fields (compared_fields)
        self.stamps: dict[int, tuple] = {}  # the expansions' stamps of this build's occurrences (build.expansions)

    def __getstate__(self):
        """Pickled empty: Pelican's content cache stores what a category's settings reach, and a later
        build needs nothing of this one's memo (megabytes to write and read on every build)."""
        return None

    def load(self) -> tuple[dict, dict]:
        """The last build's pages (if it wrote where this one will), and its templates' names."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}, {}
        if not isinstance(data, dict):
            return {}, {}
        pages = data.get("pages", {}) if data.get("output") == str(self.previous) else {}
        return pages, data.get("templates", {})

    # --- Keys ---------------------------------------------------------------------

    def key(self, name: str, template, context: dict, settings: dict, **values) -> str | None:
        """The page's key, or None when one of its values cannot be digested.

        Values the template (with all it extends, includes and imports) never
        names are left out: Pelican hands every draft the list of all news."""
        digest = hashlib.sha256(self.shared(context, settings))
        digest.update(repr((name, getattr(template, "name", None))).encode())
        read = self.names_read(template)
        try:
            for field in sorted(values):
                if read is None or field in read or field in READ_BY_FILTERS:
                    digest.update(field.encode() + b"\0" + self.digest(values[field]))
        except (Unmemoizable, RecursionError):
            return None
        return digest.hexdigest()

    def shared(self, context: dict, settings: dict) -> bytes:
        """The digest every page's key starts from (`site_digest`), made on the first call."""
        if self.site is None:
            self.site = self.site_digest(context, settings)
        return self.site

    def names_read(self, template) -> set[str] | None:
        """Every variable name the template and the templates it uses read; None when that cannot be known."""
        name = getattr(template, "name", None)
        if name is None:  # no template (a feed): every value counts
            return None
        if name not in self._names:
            stored = self.stored_names.get("names", {}) if self.stored_names.get("theme") == self.theme else {}
            if name in stored:  # parsing templates for names is slow; the theme is as the last build had it
                self._names[name] = set(stored[name]) if stored[name] is not None else None
            else:
                self._names[name] = template_names(template.environment, name, set(), self._parsed)
        return self._names[name]

    def file_key(self, name: str, *parts: bytes) -> str:
        """The key of a file made from `parts` alone (with settings and code): a feed from its events.
        A part in many files (an event in its feeds) is hashed once, by identity."""
        digest = hashlib.sha256(self.build_key.encode() + b"\0" + name.encode())
        for part in parts:
            key = ("part", id(part))
            if key not in self._digests:
                self._digests[key] = hashlib.sha256(part).digest()
                self._alive.append(part)
            digest.update(self._digests[key])
        return digest.hexdigest()

    def site_digest(self, context: dict, settings: dict) -> bytes:
        """What any page may show besides its own values."""
        digest = hashlib.sha256(self.build_key.encode())
        digest.update(repr((str(settings.get("TODAY")), settings.get("SITEURL"))).encode())
        self.theme = folder_digest(Path(settings["THEME"]) / "templates")  # fonts and CSS are copied, not rendered
        digest.update(self.theme.encode())
        translations = settings.get("TRANSLATIONS_PATH")
        digest.update(folder_digest(Path(translations)).encode() if translations else b"-")
        pages = [page for kind in ("pages", "hidden_pages", "draft_pages") for page in context.get(kind, [])]
        for page in sorted(pages, key=lambda p: p.source_path):  # menus, focus areas, activities
            digest.update(self.digest(page))
        return digest.digest()

    def digest(self, value, depth: int = 0) -> bytes:
        known = self._digests.get(id(value))  # first: most values are occurrences and content seen before
        if known is not None:
            return known
        if depth > DEEPEST:
            raise Unmemoizable(type(value).__name__)
        if type(value) in self._fields:  # a kind of dataclass met before: tens of thousands of occurrences
            return self.remember(value, self.dataclass_digest(value, depth))
        if isinstance(value, SIMPLE):
            return hashlib.sha256(repr(value).encode()).digest()  # repr tells Markup from str
        if isinstance(
            value, (list, tuple)
        ):  # items seen before (an occurrence in its month, week and day) without a call
            known = self._digests
            return hashlib.sha256(
                b"[" + b"".join([known.get(id(item)) or self.digest(item, depth + 1) for item in value])
            ).digest()
        if isinstance(value, dict):
            return self.combine(b"{", (self.digest(k, depth + 1) + self.digest(v, depth + 1) for k, v in value.items()))
        if isinstance(value, (set, frozenset)):
            return self.combine(b"(", sorted(self.digest(item, depth + 1) for item in value))
        if isinstance(value, URLWrapper):
            return self.digest((type(value).__name__, value.name, value.slug, value.url))
        if isinstance(value, Content):
            result = self.content_digest(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            result = self.dataclass_digest(value, depth)
        elif hasattr(value, "source_path"):
            result = self.content_digest(value)
        else:
            raise Unmemoizable(type(value).__name__)
        return self.remember(value, result)

    def remember(self, value, result: bytes) -> bytes:
        self._digests[id(value)] = result
        self._alive.append(value)  # kept, so that no other object takes its id
        return result

    def dataclass_digest(self, value, depth: int) -> bytes:
        """Field by field; simple fields go into one hash as they are. Content in a field marked
        in HEADER_ONLY counts by its header fields alone; fields in STAMPED by the value's stamp where an
        expansion gave it one (an occurrence: which expansion, which place in it)."""
        values, header_only, unstamped = self.compared_fields(type(value))
        stamp = self.stamps.get(id(value)) if unstamped is not None else None
        if stamp is not None and stamp[0] is value:
            return self.stamped_digest(value, stamp[1:], *unstamped, depth)
        parts = [type(value).__name__]
        for item, header in zip(values(value), header_only):
            parts.append(item if isinstance(item, SIMPLE) else self.field_digest(item, header, depth))
        return hashlib.sha256(repr(parts).encode()).digest()

    def stamped_digest(self, value, stamp: tuple, others: Callable, header_only: tuple[bool, ...], depth: int) -> bytes:
        """The digest of the expansion with the other fields' (an occurrence's event), made once for all
        its occurrences, followed by the value's place in it: no hash per occurrence."""
        expansion, place = stamp
        shared = others(value)
        key = ("stamp", id(expansion), *map(id, shared))
        head = self._digests.get(key)
        if head is None:
            parts = [self.field_digest(item, header, depth) for item, header in zip(shared, header_only)]
            head = self._digests[key] = hashlib.sha256(
                b"".join([type(value).__name__.encode(), b"\0", expansion, *parts])
            ).digest()
            self._alive.append((expansion, shared))  # kept, so that no other object takes their ids
        return head + place

    def field_digest(self, item, header: bool, depth: int) -> bytes:
        if header and isinstance(item, Content):
            return self.header_digest(item)
        return self.digest(item, depth + 1)

    def compared_fields(self, kind: type) -> tuple[Callable, tuple[bool, ...], tuple | None]:
        """A function giving the values of the fields that are data (compare=False marks helpers: a
        filter's match function), and for each whether only its header counts; for a class with
        fields its `stamp` stands for, the same two for the fields it does not (else None). Made once
        per class: a rebuild digests tens of thousands of occurrences."""
        fields = self._fields.get(kind)
        if fields is None:
            compared = [f for f in dataclasses.fields(kind) if f.compare]
            others = [f for f in compared if f.name not in STAMPED.get(kind, ())]
            fields = self._fields[kind] = (
                attributes([f.name for f in compared]),
                header_flags(kind, compared),
                (attributes([f.name for f in others]), header_flags(kind, others))
                if len(others) < len(compared)
                else None,
            )
        return fields

    def header_digest(self, content) -> bytes:
        key = ("header", id(content))
        if key not in self._digests:
            self._digests[key] = self.content_digest(content, "header")
            self._alive.append(content)
        return self._digests[key]

    def content_digest(self, content, part: str = "whole") -> bytes:
        """A news item, page or event: its source (or its header fields) and its translations' (URLs follow
        from them and the settings); the status, which today's date may have changed to draft."""
        if source_digest(content, part) and content._links_other_files[part]:  # its HTML then shows another file's URL
            raise Unmemoizable(content.source_path)
        own = (
            type(content).__name__,
            content.source_path,
            source_digest(content, part),
            getattr(content, "lang", None),
            getattr(content, "status", None),
        )
        others = sorted(
            (t.source_path, source_digest(t, part), getattr(t, "lang", None), getattr(t, "status", None))
            for t in getattr(content, "translations", [])
        )
        return hashlib.sha256(repr((part, own, others)).encode()).digest()

    @staticmethod
    def combine(tag: bytes, parts) -> bytes:
        digest = hashlib.sha256(tag)
        for part in parts:
            digest.update(part)
        return digest.digest()

    # --- Reuse --------------------------------------------------------------------

    def reuse(self, name: str, key: str) -> bool:
        """Keep the previous build's file for `name` if it was made from the same key and is untouched."""
        entry = self.known.get(name)
        if not (entry and entry[0] == key and self.same_file(self.previous / name, entry)):
            return False
        self.kept.add(name)
        self.written[name] = entry
        return True

    def keep_previous(self, name: str) -> bool:
        """Leave the last build's file for `name` as it is, whatever it was made from: the preview's
        newsletter PDFs, printed again in the background (editor/preview.py). False where there is none."""
        if not (self.previous / name).is_file():
            return False
        self.kept.add(name)
        return True

    @property
    def reused(self) -> int:
        return len(self.kept)

    @staticmethod
    def same_file(path: Path, known: list) -> bool:
        """The file the last build wrote, untouched since (size and modification time)."""
        try:
            stat = path.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == known[1:]

    def record(self, name: str, key: str) -> None:
        stat = (self.staging / name).stat()
        self.written[name] = [key, stat.st_size, stat.st_mtime_ns]

    def state(self) -> dict:
        """What a forked process learnt (pages written and kept, templates read), for `merge` in the parent."""
        return {"written": self.written, "kept": sorted(self.kept), "names": self.names_state()}

    def merge(self, state: dict) -> None:
        self.written.update(state["written"])
        self.kept.update(state["kept"])
        for name, read in state["names"].items():
            self._names.setdefault(name, set(read) if read is not None else None)

    def names_state(self) -> dict:
        return {name: sorted(read) if read is not None else None for name, read in sorted(self._names.items()) if name}

    def forget(self) -> None:
        """Before `output/` is changed in place: until `save`, no build may trust what is there."""
        self.file.unlink(missing_ok=True)

    def save(self, output: Path) -> None:
        """After a successful build: the pages now in `output`, for the next build."""
        data = json.dumps(
            {
                "output": str(output),
                "pages": dict(sorted(self.written.items())),
                "templates": {"theme": self.theme, "names": self.names_state()},
            }
        )  # no indent: C encoder
        write_whole(self.file, data.encode("utf-8"))
