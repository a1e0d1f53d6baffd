"""The editors' guide (docs/redaktoer.md) as a page of the site, at /hjaelp/.

One text, two places: the board reads the same guide in the project folder
and on the site. The guide is the project's own file, not editor content, so
it is rendered with a table of contents and its examples as code blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pelican.generators import Generator

DEFAULT_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "redaktoer.md"


@dataclass(frozen=True)
class Guide:
    """The guide's Markdown; rendered when its page is (the page memo keys the page by the text, so a
    rebuild that keeps the page renders nothing)."""

    text: str

    @property
    def title(self) -> str:
        return self.rendered[0]

    @property
    def toc(self) -> str:
        return self.rendered[1]

    @property
    def html(self) -> str:
        return self.rendered[2]

    @cached_property
    def rendered(self) -> tuple[str, str, str]:
        return render_guide(self.text)


def render_guide(text: str) -> tuple[str, str, str]:
    """Markdown -> (title, table of contents, body), the first '# ' heading being the title."""
    first, _, rest = text.partition("\n")
    title = first.removeprefix("# ").strip() if first.startswith("# ") else "Hjælp"
    body = rest if first.startswith("# ") else text
    md = markdown.Markdown(
        extensions=[
            "markdown.extensions.extra",
            "markdown.extensions.sane_lists",
            "markdown.extensions.toc",
            LabelledCells(),
        ],
        extension_configs={"markdown.extensions.toc": {"toc_depth": "2", "slugify": heading_id}},
        output_format="html5",
    )
    html = md.convert(body)
    return title, md.toc, html


class CellLabels(Treeprocessor):
    """Each table cell gets its column's heading as `data-label`: on a phone the guide's tables are
    shown as one block per row with the headings beside the text (site.css), instead of three
    columns so narrow that words break in the middle."""

    def run(self, root):
        for table in root.iter("table"):
            headings = ["".join(th.itertext()).strip() for th in table.iter("th")]
            for row in table.iter("tr"):
                for heading, cell in zip(headings, row.findall("td")):
                    cell.set("data-label", heading)


class LabelledCells(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(CellLabels(md), "cell_labels", 1)


def heading_id(text: str, separator: str) -> str:
    """Readable anchors (#aflys-en-dato) with Danish letters transliterated."""
    import re

    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.lower().replace(old, new)
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator)


class GuideGenerator(Generator):
    """Writes hjaelp/index.html from the guide (GUIDE_PATH, default docs/redaktoer.md)."""

    def generate_context(self):
        path = Path(self.settings.get("GUIDE_PATH") or DEFAULT_GUIDE)
        text = path.read_text(encoding="utf-8") if path.is_file() else None
        # The guide's pictures sit beside it (docs/billeder); on the site under its own address.
        url = self.settings.get("GUIDE_URL", "hjaelp/")
        self.guide = Guide(text.replace("](billeder/", f"](/{url}billeder/")) if text is not None else None

    def generate_output(self, writer):
        if self.guide is None:
            return
        save_as = self.settings.get("GUIDE_SAVE_AS", "hjaelp/index.html")
        url = self.settings.get("GUIDE_URL", "hjaelp/")
        for lang in self.settings["LANGUAGES"]:  # the guide is Danish: other languages say so above it
            prefix = "" if lang == self.settings["DEFAULT_LANG"] else f"{lang}/"
            writer.write_file(
                prefix + save_as,
                self.get_template("guide"),
                self.context,
                guide=self.guide,
                url=prefix + url,
                page_lang=lang,
                content_lang=self.settings["DEFAULT_LANG"],
                relative_urls=False,
            )
