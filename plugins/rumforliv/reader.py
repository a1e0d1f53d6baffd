"""The strict Markdown reader: our header format in, Pelican metadata out.

Pelican's own reader accepts any key and logs-and-skips broken files; ours
checks every file against `schema` and raises `ContentError`, and renders
the body with raw HTML escaped, so a `<script>` in a news item shows as text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import markdown
import nh3
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Category, Tag

from . import schema
from .recurrence import build_schedule
from .text import slugify

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}


def render_markdown(text: str, settings: dict) -> str:
    """Markdown to HTML with raw HTML shown as text and links limited to safe schemes."""
    md = markdown_for(settings)
    md.reset()  # no footnotes, abbreviations or stashed HTML carried over from the previous text
    html = md.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"align"}, "th": {"align"},
                    "*": {"id"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


# Building a Markdown object (extensions, patterns) costs more than converting a
# news item, so each settings object keeps one; a few slots cover tests that
# build several sites in one process without holding on to old builds.
_MARKDOWN: dict[int, tuple[dict, markdown.Markdown]] = {}
MARKDOWN_SLOTS = 4


def markdown_for(settings: dict) -> markdown.Markdown:
    """The one Markdown instance for this settings object (compared by identity)."""
    slot = _MARKDOWN.get(id(settings))
    if slot is None or slot[0] is not settings:
        while len(_MARKDOWN) >= MARKDOWN_SLOTS:
            del _MARKDOWN[next(iter(_MARKDOWN))]  # the oldest
        slot = _MARKDOWN[id(settings)] = (settings, new_markdown(settings))
    return slot[1]


def new_markdown(settings: dict) -> markdown.Markdown:
    """Markdown as configured, without raw HTML (it is escaped instead)."""
    config = dict(settings.get("MARKDOWN", {}))
    config["extensions"] = [e for e in config.get("extension_configs", {}) if "meta" not in e]
    md = markdown.Markdown(**config)
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def plain_summary(html: str) -> str:
    """The first paragraph as plain text, for summaries and feed descriptions."""
    first = html.split("</p>", 1)[0] if "<p>" in html else html
    return nh3.clean(first, tags=set()).strip()


READ_HERE = ("news", "event", "page")  # the kinds StrictReader reads; the newsletter reads its own files


def prerender(checked: schema.Checked, settings: dict) -> None:
    """Render a file's Markdown where it was checked: the check of a whole site is spread over two
    processes (plugin.on_initialized), and Markdown is most of reading it."""
    if checked.kind in READ_HERE:
        checked.html["body"] = render_markdown(checked.body, settings)
        if "summary" in checked.values:
            checked.html["summary"] = render_markdown(checked.values["summary"], settings)


def markdown_of(checked: schema.Checked, part: str, text: str, settings: dict) -> str:
    """`text` (the file's body or summary) as HTML: rendered already by `prerender`, or now."""
    html = checked.html.get(part)
    return html if html is not None else render_markdown(text, settings)


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


def plain_text(html: str) -> str:
    """HTML body -> plain text for calendar descriptions (no tags, one blank line between blocks)."""
    import html as htmllib
    import re

    text = re.sub(r"</(p|h\d|li|tr|blockquote|pre)>", "\n\n", html)
    text = re.sub(r"<li>", "• ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = htmllib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
