"""sitemap.xml: every HTML page the build wrote, found in the output folder.

Walking the written files (rather than listing content objects) also
catches the front page, the news pages, the calendar's month pages and
anything a later module adds. Sorted, so the same site gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from rumforliv.build import memo

# Written, but not pages a search engine should offer.
LEFT_OUT = ("404.html",)  # in every language
DRAFT_FOLDER = "kladder"  # drafts, previewed locally only
# Short addresses that forward, staff's texts, the boards' report, the editors' CMS.
UNLISTED = ("n", "sms", "rapport", "admin")


def page_url(relative: Path | str) -> str:
    """'nyheder/side/2/index.html' -> 'nyheder/side/2/'; 'index.html' -> ''."""
    path = relative if isinstance(relative, str) else relative.as_posix()
    return path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def page_urls(output: Path, kept=()) -> list[str]:
    """URLs (relative to the site root) of every public HTML page in `output` or `kept` (relative paths,
    strings: a rebuild keeps thousands)."""
    written = {path.relative_to(output).as_posix() for path in output.rglob("*.html")}
    return sorted({page_url(name) for name in written.union(kept) if public(name)})


def public(name: str) -> bool:
    folders = name.split("/")  # "404.html" and each language's "ar/404.html"
    return (
        name.endswith(".html")
        and folders[-1] not in LEFT_OUT
        and DRAFT_FOLDER not in folders[:2]
        and not set(folders[:2]) & set(UNLISTED)  # in every language too: /ar/n/2013-1/kalender/
    )


def site_root(settings) -> str:
    """Sitemaps need absolute URLs: a local build (SITEURL "") points at the published site."""
    return (settings.get("SITEURL") or settings.get("PUBLISH_SITEURL") or "").rstrip("/")


def render(urls: list[str], root: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(root + '/' + url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write(settings, output: Path, kept=()) -> None:
    """Write output/sitemap.xml; call after every HTML page is written."""
    (output / "sitemap.xml").write_text(render(page_urls(output, kept), site_root(settings)), encoding="utf-8")


def on_finalized(pelican) -> None:
    """Pelican's `finalized` signal: every generator has written its pages (or kept the last build's, memo.py)."""
    page_memo = pelican.settings.get(memo.SETTING)
    write(pelican.settings, Path(pelican.output_path), page_memo.kept if page_memo else ())
