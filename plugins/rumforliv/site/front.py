"""The site's own pages beyond Pelican's: front page, calendar, feeds, 404.

Runs after every generator has built its context, so it sees news, pages,
events and their one expansion (`context["occurrences"]`).
"""

from __future__ import annotations

import datetime as dt

from pelican.generators import Generator

from rumforliv.build import parallel
from rumforliv.calendar.recurrence import on_days
from rumforliv.ical import feeds
from rumforliv.site import calendar_pages

FRONT_PAGE_SLUG = "forside"  # this page's text is the front page's intro
ACTIVITY_PREFIX = "indsatser/"  # content/sider/indsatser/: one page per activity
FOCUS_PREFIX = "fokus/"  # content/sider/fokus/: one page per focus area


def upcoming(occurrences, first: dt.date, days: int):
    """Occurrences on days first .. first+days-1."""
    return on_days(occurrences, first, first + dt.timedelta(days=days - 1))


FRONT_PAGE_DAYS = 7
FRONT_PAGE_LIMIT = 10  # a busy week still fits a phone screen or two (and the page stays light)


def agenda(occurrences, today: dt.date) -> dict:
    """The front page's "next 7 days": the first few, and how many there are in all."""
    coming = upcoming(occurrences, today, FRONT_PAGE_DAYS)
    return {"upcoming": coming[:FRONT_PAGE_LIMIT], "upcoming_count": len(coming)}


def latest_news(articles, settings) -> list:
    """The front page's newest news (news dated after today are drafts already: hold_back_future_news)."""
    return articles[: settings.get("HOME_NEWS_COUNT", 5)]


def hold_back_future_news(generator) -> None:
    """News dated after today wait as drafts: previewed under /kladder/, listed and published from their day."""
    today = generator.settings["TODAY"]
    for listed, drafts in (("articles", "drafts"), ("translations", "drafts_translations")):
        keep = []
        for article in getattr(generator, listed):
            if article.date.date() > today:
                article.status = "draft"
                getattr(generator, drafts).append(article)
            else:
                keep.append(article)
        setattr(generator, listed, keep)


def page_order(page):
    """Editors order pages with `Order:`; pages without it come last, by title."""
    return (getattr(page, "order", None) is None, getattr(page, "order", 0), page.title)


def focus_pages(pages) -> dict:
    """Category name -> its focus-area page, so lists can link a category to its page."""
    return {page.category.name: page for page in pages if page.slug.startswith(FOCUS_PREFIX) and page.category}


def activities_by_category(pages) -> dict[str, list]:
    """Category name -> its activity pages in the editors' order."""
    groups: dict[str, list] = {}
    for page in sorted(pages, key=page_order):
        if page.slug.startswith(ACTIVITY_PREFIX) and page.category:
            groups.setdefault(page.category.name, []).append(page)
    return groups


def keep_front_page_unwritten(pages) -> None:
    """The `forside` page only feeds the front page: Pelican must not write it as /forside/."""
    for page in pages:
        if page.slug == FRONT_PAGE_SLUG:
            for version in [page, *page.translations]:
                version.override_save_as = ""
                version.override_url = ""  # a link to it leads to the front page


class SiteGenerator(Generator):
    """Writes the front page, calendar pages, iCal feeds and 404 (sitemap.xml comes last, on `finalized`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The feeds need only the events: they start as soon as EventsGenerator has read them.
        parallel.early(self.context, feeds.feed_files, self.context, self.settings)

    def generate_context(self):
        # Runs after PagesGenerator.generate_context and before any page is written.
        context = self.context
        calendar_pages.new_markup_cache(context)  # before any page is written, every build afresh
        pages = context.get("pages", [])
        keep_front_page_unwritten(pages + context.get("hidden_pages", []))
        context["focus_pages"] = focus_pages(pages)
        context["activities_by_category"] = activities_by_category(pages)

    def generate_output(self, writer):
        context = self.context
        today = self.settings["TODAY"]
        pages = {page.slug: page for page in context.get("pages", []) + context.get("hidden_pages", [])}
        writer.write_file(
            "index.html",
            self.get_template("home"),
            context,
            intro=pages.get(FRONT_PAGE_SLUG),
            **agenda(context["occurrences"], today),
            latest_news=latest_news(context["articles"], self.settings),
            url="",
            relative_urls=False,
        )
        writer.write_file("404.html", self.get_template("404"), context, url="404.html", relative_urls=False)
        calendar_pages.write_all(self, writer)
