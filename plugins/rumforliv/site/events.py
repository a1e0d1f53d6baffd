"""Events: a Pelican content type of their own, and their one expansion.

`EventsGenerator.generate_context` reads `content/kalender/*.md` and expands
every event once over the calendar's window into `context["occurrences"]`
(and, indexed by event, `context["occurrences_by_event"]`). The site pages,
the feeds and the newsletter all read that list. A schedule expanded over the
same window by the last build takes its timings from the cache folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import string
from pathlib import Path

from pelican.contents import Content
from pelican.generators import CachingGenerator
from pelican.utils import process_translations

from rumforliv.build import memo, parallel
from rumforliv.build.expansions import Expansions, load_expansions, save_expansions
from rumforliv.build.trust import EXPANSIONS
from rumforliv.calendar.recurrence import expand

logger = logging.getLogger(__name__)


class Event(Content):
    """One activity; `schedule` says when (see recurrence.Schedule)."""

    mandatory_properties = ("title", "schedule")
    allowed_statuses = ("published", "draft")
    default_status = "published"
    default_template = "event"

    @property
    def cancelled(self) -> bool:
        return self.schedule.cancelled

    @functools.cached_property  # every feed asks, for every event
    def uid(self) -> str:
        """Permanent calendar id: never derived from the title."""
        lang = "" if self.lang == self.settings["DEFAULT_LANG"] else f".{self.lang}"
        return f"{self.slug}{lang}@{self.settings['SITE_HOST']}"

    def occurrences(self, first: dt.date, last: dt.date):
        return self.schedule.occurrences(self, first, last)

    def get_relative_source_path(self, source_path: str | None = None) -> str | None:
        """Pelican's, without its os.path.relpath for a file inside the content folder: asked three
        times per event and build, that was a sixth of reading the calendar from the cache."""
        path = source_path or self.source_path
        root = os.path.abspath(self.settings["PATH"])
        if path and path.startswith(root + os.sep) and os.path.normpath(path) == path:
            return path[len(root) + 1 :].replace(os.sep, "/")
        return super().get_relative_source_path(source_path)

    def get_url_setting(self, key):
        """Memoised: month grids ask every occurrence for its event's url (tens of
        thousands of times), and Pelican rebuilds it from all metadata each time."""
        memo = self.__dict__.setdefault("_url_memo", {})
        memo_key = (key, self.status, self.lang, self.slug, getattr(self, "override_" + key, None))
        if memo_key not in memo:
            memo[memo_key] = super().get_url_setting(key)
        return memo[memo_key]

    def _expand_settings(self, key, klass=None):
        """Drafts use DRAFT_EVENT_* (under kladder/), which publishconf.py leaves unwritten.

        A pattern naming only the slug and language (the project's) is filled in here: Pelican
        copies all metadata and resolves the source path for every URL, a tenth of reading the calendar."""
        klass = "draft_event" if self.status == "draft" else klass
        pattern = str(self.settings[f"{klass or type(self).__name__}_{key}".upper()])
        if fields_named(pattern) <= {"slug", "lang"}:
            return pattern.format(slug=getattr(self, "slug", ""), lang=getattr(self, "lang", "en"))  # as Pelican's
        return super()._expand_settings(key, klass)


@functools.cache
def fields_named(pattern: str) -> frozenset[str]:
    """'{lang}/kalender/{slug}/' -> {'lang', 'slug'}"""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None)


def calendar_window(settings: dict, events) -> tuple[dt.date, dt.date]:
    """Days the site's calendar covers: from the first event to a year after today."""
    today = settings["TODAY"]
    starts = [day(e.schedule.start) for e in events] or [today]
    first = min(min(starts), today).replace(day=1)
    months = settings.get("CALENDAR_MONTHS_AHEAD", 12)
    year, month = divmod(today.month - 1 + months + 1, 12)
    last = dt.date(today.year + year, month + 1, 1) - dt.timedelta(days=1)
    return first, last


def day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def by_event(occurrences) -> dict:
    """Event -> its occurrences in time order: one pass, so no page has to scan them all."""
    index: dict = {}
    for occ in occurrences:
        index.setdefault(occ.event, []).append(occ)
    return index


class EventsGenerator(CachingGenerator):
    """Reads events and expands them; pages are written by `site.SiteGenerator`."""

    def __init__(self, *args, **kwargs):
        self.events = []
        self.event_translations = []
        self.draft_events = []
        self.occurrences = []
        self.occurrences_by_event = {}
        super().__init__(*args, **kwargs)

    def generate_context(self):
        published, drafts = [], []
        # Pelican finds files as a set: sort, so translations line up the same in every build.
        found = self.get_files(self.settings["EVENT_PATHS"], exclude=self.settings.get("EVENT_EXCLUDES", []))
        parsed = 0  # files the readers' cache did not hold as they are now
        for path in sorted(found):
            event = self.get_cached_data(path, None)
            if event is None:
                parsed += self.readers.get_cached_data(os.path.abspath(os.path.join(self.path, path))) is None
                # Strict: the content check already passed, so any error here is a bug to surface.
                event = self.readers.read_file(
                    base_path=self.path, path=path, content_class=Event, context=self.context
                )
                self.cache_data(path, event)
            (drafts if event.status == "draft" else published).append(event)
            self.add_source_path(event)
            self.add_static_links(event)
        self.events, self.event_translations = process_translations(published, translation_id="slug")
        self.events.sort(key=lambda e: e.slug)
        self.draft_events = sorted(drafts, key=lambda e: e.slug)
        self.context["events"] = self.events
        self.context["event_translations"] = self.event_translations
        self.context["draft_events"] = self.draft_events
        if parsed:  # else the readers' cache is as loaded: pickling its megabytes again changes nothing
            self.save_beside(self.readers.save_cache)
        self.start_feeds()
        self.window = calendar_window(self.settings, self.events)
        self.occurrences = self.expand()
        self.occurrences_by_event = by_event(self.occurrences)
        self.context["occurrences"] = self.occurrences
        self.context["occurrences_by_event"] = self.occurrences_by_event
        self.context["calendar_window"] = self.window
        for event in self.events + self.event_translations + self.draft_events:
            _ = event.url, event.save_as  # worked out (and memoised) before the cache is saved: a rebuild reuses them
        self.save_cache()

    def expand(self) -> list:
        """The events over the window, with each schedule's timings from the last build if it expanded them."""
        store = Path(self.settings["CACHE_PATH"]) / EXPANSIONS if self.settings.get("CACHE_CONTENT") else None
        known = Expansions(load_expansions(store) if store and self.settings.get("LOAD_CONTENT_CACHE") else None)
        occurrences = expand(self.events, *self.window, known)
        page_memo = self.settings.get(memo.SETTING)
        if page_memo is not None:
            page_memo.stamps = known.stamps
        if store and known.changed:
            self.save_beside(save_expansions, store, known.used)
        return occurrences

    def save_beside(self, job, *args) -> None:
        """Pickling megabytes of cache is for the next build: a child does it, once the output phase starts
        (parallel.later)."""
        parallel.later(self.context, job, *args)

    def start_feeds(self) -> None:
        """The feeds (queued by the generators that write them) need only the events: they are written
        beside the expansion and the pages, with the readers' cache."""
        parallel.start_early(self.context, self.settings)

    def generate_output(self, writer):
        # The output phase has begun: the feeds' child may write the files it made. The pages are written
        # by site.SiteGenerator and the others, with the writer.
        parallel.open_gates(self.context)
