"""The body of a content file: Markdown to safe HTML, and to plain text.

Raw HTML is escaped (a `<script>` in a news item shows as text) and links are
limited to safe schemes; the site, the feeds and the newsletter all take their
text from here.
"""

from __future__ import annotations

import html as htmllib
import re

import markdown
import nh3

from rumforliv.content import schema

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


def render_markdown(text: str, settings: dict) -> str:
    """Markdown to HTML with raw HTML shown as text and links limited to safe schemes."""
    md = markdown_for(settings)
    md.reset()  # no footnotes, abbreviations or stashed HTML carried over from the previous text
    html = md.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title"},
            "td": {"align"},
            "th": {"align"},
            "*": {"id"},
        },
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


def plain_text(html: str) -> str:
    """HTML body -> plain text for calendar descriptions (no tags, one blank line between blocks)."""
    text = re.sub(r"</(p|h\d|li|tr|blockquote|pre)>", "\n\n", html)
    text = re.sub(r"<li>", "• ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = htmllib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
