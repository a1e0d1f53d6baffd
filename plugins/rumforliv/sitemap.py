"""sitemap.xml from every page the build wrote."""

from __future__ import annotations

from xml.sax.saxutils import escape


def page_urls(context) -> list[str]:
    urls = [""]
    for key in ("articles", "pages", "events"):
        urls.extend(item.url for item in context.get(key, []))
    return sorted(set(urls))


def write(context, settings, output):
    base = settings.get("SITEURL", "").rstrip("/")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(base + '/' + url)}</loc></url>" for url in page_urls(context)]
    lines.append("</urlset>")
    (output / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
