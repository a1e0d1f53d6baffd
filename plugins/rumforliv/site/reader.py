"""The strict Markdown reader: our header format in, Pelican metadata out.

Pelican's own reader accepts any key and logs-and-skips broken files; ours
checks every file against `schema` and raises `ContentError`, and renders
the body with raw HTML escaped, so a `<script>` in a news item shows as text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pelican.readers import MarkdownReader
from pelican.urlwrappers import Category, Tag

from rumforliv.calendar.recurrence import build_schedule
from rumforliv.content import schema
from rumforliv.content.markup import markdown_of, plain_text
from rumforliv.content.slugs import slugify


class StrictReader(MarkdownReader):
    """Reads content files in the project's format (see content-format.md)."""

    file_extensions = ["md"]

    def read(self, source_path):
        path = Path(source_path)
        base = Path(self.settings["PATH"])
        checked = self.checked(path, base)
        content = markdown_of(checked, "body", checked.body, self.settings)
        return content, to_metadata(checked, content, path.relative_to(base), self.settings)

    def checked(self, path: Path, base: Path) -> schema.Checked:
        """The file as the build's start checked it (see plugin.on_initialized), or checked now."""
        tree = self.settings.get(schema.CHECKED_SETTING)
        checked = tree.take(path) if tree is not None else None
        if checked is None:  # changed since, or read without the check at start
            checked, problems = schema.check_file(path, self.settings, base)
            if problems:
                raise schema.ContentError(problems)
        return checked


def to_metadata(checked: schema.Checked, content: str, relative: Path, settings: dict) -> dict:
    """Checked header values -> the attributes Pelican puts on the content object."""
    values = checked.values
    meta = {
        "title": values["title"],
        "lang": values.get("lang", settings["DEFAULT_LANG"]),
        "source_line": checked.body_line,
    }
    if "status" in values:
        meta["status"] = "published" if values["status"] in ("confirmed", "cancelled") else values["status"]
    slug = values.get("slug") or slugify(values["title"], settings)
    if "category" in values:
        meta["category"] = Category(values["category"], settings)
    meta["estates"] = values.get("estate") or list(settings["ESTATES"])
    meta["audiences"] = values.get("audience", [])
    if "summary" in values:
        meta["summary"] = markdown_of(checked, "summary", values["summary"], settings)
    for key in ("contact", "organizer", "location", "partners", "order", "image"):
        if key in values:
            meta[key] = values[key]
    if checked.kind == "news":
        date = values["date"]
        meta["date"] = date if isinstance(date, dt.datetime) else dt.datetime.combine(date, dt.time())
        meta["tags"] = [Tag(tag, settings) for tag in values.get("tags", [])]
        meta["print"] = values.get("print", True)
        if "coverage" in values:
            meta["coverage"] = values["coverage"]
        if "image-alt" in values:
            meta["image_alt"] = values["image-alt"]
    elif checked.kind == "event":
        meta["schedule"] = build_schedule(values, settings)
        meta["description"] = plain_text(content)
    elif checked.kind == "page":
        folder = relative.parent.relative_to(relative.parts[0]).as_posix()
        slug = slug if folder == "." else f"{folder}/{slug}"
    meta["slug"] = slug
    return meta
