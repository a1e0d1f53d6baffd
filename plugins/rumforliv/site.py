"""The site's own pages beyond Pelican's: front page, calendar, feeds, sitemap, 404.

Runs after every generator has built its context, so it sees news, pages,
events and their one expansion (`context["occurrences"]`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pelican.generators import Generator

from . import calendar_pages, feeds, sitemap


def upcoming(occurrences, first: dt.date, days: int):
    """Occurrences on days first .. first+days-1."""
    last = first + dt.timedelta(days=days - 1)
    return [occ for occ in occurrences if first <= occ.day <= last or (occ.day < first <= occ.last_day)]


class SiteGenerator(Generator):
    """Writes the front page, calendar pages, iCal feeds, 404 and sitemap."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        context = self.context
        today = self.settings["TODAY"]
        pages = {page.slug: page for page in context.get("pages", []) + context.get("hidden_pages", [])}
        writer.write_file(
            "index.html",
            self.get_template("home"),
            context,
            intro=pages.get("forside"),
            upcoming=upcoming(context["occurrences"], today, 7),
            latest_news=context["articles"][: self.settings.get("HOME_NEWS_COUNT", 5)],
            url="",
            relative_urls=False,
        )
        writer.write_file("404.html", self.get_template("404"), context, url="404.html", relative_urls=False)
        calendar_pages.write_all(self, writer)
        feeds.write_all(context, self.settings, Path(self.output_path))
        sitemap.write(context, self.settings, Path(self.output_path))
