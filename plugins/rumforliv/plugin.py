"""Connects the project's parts to Pelican's signals; no logic of its own."""

from __future__ import annotations

import datetime as dt
import functools
import os
import zoneinfo
from pathlib import Path

from pelican import signals

from rumforliv.build import memo
from rumforliv.build.parallel import WORKERS, PendingPages, spread
from rumforliv.content import gate, schema
from rumforliv.content.markup import prerender
from rumforliv.ical import feeds
from rumforliv.newsletter.issues import NewsletterGenerator
from rumforliv.posters.generator import PosterGenerator
from rumforliv.report.success import ReportGenerator
from rumforliv.site import calendar_pages, cards, i18n, languages, sitemap, styles
from rumforliv.site import front as site
from rumforliv.site.admin import AdminGenerator
from rumforliv.site.events import EventsGenerator
from rumforliv.site.front import SiteGenerator
from rumforliv.site.guide import GuideGenerator
from rumforliv.site.reader import StrictReader
from rumforliv.sms.digests import DigestGenerator
from rumforliv.wording.text import FILTERS
from rumforliv.wording.words import FILTERS as WORD_FILTERS


def site_today(settings: dict) -> dt.date:
    """SITE_TODAY=YYYY-MM-DD makes a build reproducible as of that day."""
    value = os.environ.get("SITE_TODAY") or settings.get("SITE_TODAY")
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise schema.ContentError(
                [schema.Problem("SITE_TODAY", 1, "", f'"{value}" er ikke en dato. Skriv fx SITE_TODAY=2013-03-05.')]
            ) from None
    return dt.date.today()


def check_zone(settings: dict) -> None:
    """TIMEZONE must name a zone whose summer time the feeds can describe as yearly rules."""
    zone = settings.get("TIMEZONE") or ""
    try:
        feeds.zone_rules(zone)
    except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        raise schema.ContentError(
            [
                schema.Problem(
                    "pelicanconf.py",
                    1,
                    "TIMEZONE",
                    f'"{zone}" kan ikke bruges: kalender-feeds kan kun beskrive en tidszone, der skifter til og fra '
                    'sommertid den sidste søndag i en måned (som i EU), eller aldrig. Skriv fx "Europe/Copenhagen".',
                )
            ]
        ) from None


def on_initialized(pelican):
    """Check all content before anything is built: a broken file stops the build."""
    settings = pelican.settings
    settings["TODAY"] = site_today(settings)
    check_zone(settings)
    settings.setdefault("JINJA_FILTERS", {}).update(FILTERS)
    settings["JINJA_FILTERS"].update(WORD_FILTERS)
    settings["JINJA_FILTERS"].update(calendar_pages.FILTERS)
    cache = (
        Path(settings["CACHE_PATH"]) if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE") else None
    )
    passed = schema.CheckedTree(memo.load_passed(cache) if cache else (), prepare=prerender)
    problems = gate.check_tree(settings, passed, functools.partial(spread, workers=settings.get(WORKERS, 1)))
    if cache and passed.passed != passed.passed_before:
        memo.save_passed(cache, passed.passed)  # also when another file failed: these passed
    if problems:
        raise schema.ContentError(problems)
    settings[schema.CHECKED_SETTING] = passed  # the reader takes these instead of checking each file again


def prepare_templates(generator):
    """Every template may use _() for fixed text (translated per language by i18n)."""
    env = getattr(generator, "env", None)
    if env is not None and "jinja2.ext.InternationalizationExtension" in env.extensions:
        i18n.install(env)
        env.globals["share_card"] = cards.share_card


def add_reader(readers):
    readers.reader_classes["md"] = StrictReader


def add_generators(pelican):
    return [
        EventsGenerator,
        SiteGenerator,
        NewsletterGenerator,
        PosterGenerator,
        DigestGenerator,
        ReportGenerator,
        languages.LanguagesGenerator,
        GuideGenerator,
        cards.ShareCardsGenerator,
        AdminGenerator,
        PendingPages,
    ]  # last: renders what the others queued


def register():
    signals.initialized.connect(on_initialized)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
    signals.generator_init.connect(prepare_templates)
    signals.initialized.connect(i18n.on_initialized)
    signals.get_writer.connect(i18n.writer_class)
    signals.article_generator_pretaxonomy.connect(site.hold_back_future_news)
    signals.finalized.connect(sitemap.on_finalized)  # after every page is written
    signals.finalized.connect(styles.on_finalized)
