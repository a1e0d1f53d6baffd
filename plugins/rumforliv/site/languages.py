"""The pages, feeds and checks that exist once per language beyond Danish.

Listings (front page, calendar, /abonner/) are written under `/<lang>/` with
each item in that language where a translation exists and in Danish where
not; `/<lang>/kalender.ics` is a calendar of its own with `<slug>.<lang>@host`
UIDs. Translated items themselves are written by Pelican (see i18n.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pelican.generators import Generator

from rumforliv.build import parallel
from rumforliv.content import schema
from rumforliv.ical import feeds
from rumforliv.site import calendar_pages
from rumforliv.site import front as site
from rumforliv.site.i18n import N_, localize, translate

# --- Checks: a translation belongs to a Danish original and keeps its times ------------------


def shown_path(item, settings: dict) -> str:
    """'content/kalender/lektiecafe.ar.md', as the content check names files."""
    path = Path(item.source_path)
    base = Path(settings["PATH"]).resolve().parent
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def orphan_problems(items, settings: dict) -> list[schema.Problem]:
    """A translation whose Slug matches no Danish file would be published as if it were Danish."""
    default = settings["DEFAULT_LANG"]
    return [
        schema.Problem(
            shown_path(item, settings),
            1,
            "Slug",
            f'Oversættelsen ({item.lang}) har ingen dansk fil med "Slug: {item.slug}". '
            "Giv den samme Slug som den danske fil.",
        )
        for item in items
        if item.lang != default
    ]


def schedule_problems(events, settings: dict) -> list[schema.Problem]:
    """A translated event must keep the Danish event's times: readers compare calendars."""
    return [
        schema.Problem(
            shown_path(other, settings),
            1,
            "Start",
            f"Oversættelsen ({other.lang}) har andre tider end den danske aktivitet "
            f'"{event.slug}". Kopiér Start, End, Repeat, Except, Cancelled og Moved fra den danske fil.',
        )
        for event in events
        for other in event.translations
        if other.schedule != event.schedule
    ]


def localized_occurrences(occurrences, lang: str):
    """The calendar with each event in `lang` where a translation exists (the rest are the Danish objects)."""
    versions = {}
    result = []
    for occ in occurrences:
        event = occ.event
        if event not in versions:
            versions[event] = localize(event, lang)
        result.append(occ if versions[event] is event else replace(occ, event=versions[event]))
    return result


# --- Listings in every language ----------------------------------------------------------
ALL_ACTIVITIES = N_("Alle aktiviteter")
FEED_NAME = N_("%(site)s – aktiviteter")


class LanguagesGenerator(Generator):
    """Writes every page once per language beyond Danish: listings in that language, and each Danish item
    without a translation into it with its Danish text (base.html says so in the page's language)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Queued after SiteGenerator's Danish feeds (made first), and run with them: these reuse their bytes.
        parallel.early(self.context, feed_files, self.context, self.settings, self.languages())
        from rumforliv.newsletter.issues import sentence  # late, as in editions(): the issue pages' filter

        self.env.filters["sentence"] = sentence

    def generate_context(self):
        context, settings = self.context, self.settings
        originals = [
            *context.get("articles", []),
            *context.get("pages", []),
            *context.get("hidden_pages", []),
            *context.get("events", []),
        ]
        problems = orphan_problems(originals, settings) + schedule_problems(context.get("events", []), settings)
        if problems:
            raise schema.ContentError(problems)
        add_editions(context)  # NewsletterGenerator (before us) read the issues; it prints them after

    def languages(self) -> list[str]:
        return [lang for lang in self.settings["LANGUAGES"] if lang != self.settings["DEFAULT_LANG"]]

    def generate_output(self, writer):
        context = self.context
        soon = calendar_pages.coming(context["occurrences"], self.settings["TODAY"])
        for lang in self.languages():
            self.write_front_page(writer, lang, localized_occurrences(soon, lang))
            whole = localized_occurrences(context["occurrences"], lang)
            calendar_pages.write_all(self, writer, lang, whole, events=untranslated(context.get("events", []), lang))
            self.write_subscribe(writer, lang)
            self.write_news(writer, lang)
            self.write(writer, lang, "", "404", save_as=f"{lang}/404.html", url=f"{lang}/404.html")
        # The newsletter's pages wait for its printing (issues.py): the other languages' wait with them.
        parallel.after_pages(writer, lambda: self.write_newsletter_pages(writer))

    def write(self, writer, lang, path, template, save_as=None, **values):
        """The page at Danish `path` ('kalender/'), under /<lang>/."""
        values.setdefault("url", f"{lang}/{path}")
        writer.write_file(
            save_as or f"{lang}/{path}index.html",
            self.get_template(template),
            self.context,
            page_lang=lang,
            relative_urls=False,
            **values,
        )

    def write_front_page(self, writer, lang, occurrences):
        context, settings = self.context, self.settings
        pages = {p.slug: p for p in context.get("pages", []) + context.get("hidden_pages", [])}
        intro = pages.get(site.FRONT_PAGE_SLUG)
        news = site.latest_news(context["articles"], settings)
        self.write(
            writer,
            lang,
            "",
            "home",
            intro=localize(intro, lang) if intro else None,
            **site.agenda(occurrences, settings["TODAY"]),
            latest_news=[localize(article, lang) for article in news],
        )

    def write_news(self, writer, lang):
        """The news list in `lang` (each item translated where it is), and the Danish items and pages that
        have no translation into it, under /<lang>/ with the Danish text."""
        context = self.context
        articles = context.get("articles", [])
        shown = [localize(article, lang) for article in articles]
        writer.write_file(
            f"{lang}/{self.settings['INDEX_SAVE_AS']}",
            self.get_template("index"),
            context,
            articles=shown,
            dates=shown,
            template_name="index",
            page_name=f"{lang}/nyheder/index",
            url=f"{lang}/{self.settings['INDEX_URL']}",
            page_lang=lang,
            relative_urls=False,
        )
        for article in untranslated(articles, lang):
            self.write(writer, lang, article.url, article.template, article=article, category=article.category)
        for page in untranslated(context.get("pages", []) + context.get("hidden_pages", []), lang):
            self.write(writer, lang, page.url, page.template, page=page)

    def write_newsletter_pages(self, writer):
        """The archive in every language; an issue with no edition in a language shows the Danish one there."""
        issues = self.context.get("newsletter_issues") or []
        danish = [issue for issue in issues if issue.lang == self.settings["DEFAULT_LANG"]]
        for lang in self.languages():
            self.write(writer, lang, "nyhedsbrev/", "newsletter_archive", issues=newest_first(danish))
            for issue in untranslated(danish, lang):
                self.write(writer, lang, issue.url, "newsletter_page", issue=issue)

    def write_subscribe(self, writer, lang):
        base = calendar_pages.site_base(self.settings)
        own = calendar_pages.Feed(translate(lang, ALL_ACTIVITIES), f"{base}/{lang}/kalender.ics")
        subscriptions = [own] + calendar_pages.subscriptions(self.settings)[1:]
        self.write(
            writer,
            lang,
            "abonner/",
            "abonner",
            feeds=subscriptions,
            qr=calendar_pages.QRCode(own.webcal),
            site_base=base,
        )


def untranslated(items, lang: str) -> list:
    """The published Danish items that have no translation into `lang` (their Danish text is shown there)."""
    return [item for item in items if getattr(item, "url", "") and localize(item, lang) is item]


def newest_first(issues) -> list:
    """The newsletter archive's order: the latest issue first."""
    return sorted(issues, key=lambda issue: (issue.date, issue.id), reverse=True)


class InLanguage:
    """A Danish event in another language's feed: the Danish text under that feed's own UID."""

    def __init__(self, event, lang: str):
        self._event = event
        self.uid = f"{event.slug}.{lang}@{event.settings['SITE_HOST']}"

    def __getattr__(self, name):
        return getattr(self._event, name)


def feed_events(events, lang: str):
    """Each event in `lang` where translated, else in Danish; every UID is `<slug>.<lang>@host`."""
    shown = []
    for event in events:
        version = localize(event, lang)
        shown.append(version if version.lang == lang else InLanguage(event, lang))
    return shown


def feed_files(context, settings, languages: list[str]) -> list[feeds.Write]:
    """/<lang>/kalender.ics for each of `languages`: the events and their revisions are looked up once for all."""
    today = settings["TODAY"]
    _, revisions = feeds.revisions_for(context, settings)
    recent = feeds.recent_events(context["events"], settings)
    revised = [(event, feeds.revision_of(revisions, event, today)) for event in recent]
    serialiser = feeds.serialiser_for(context, settings)  # the Danish feeds' bytes of this build
    made = [feed_file(serialiser, revised, settings, lang) for lang in languages]
    made.append(serialiser.save())  # only if a feed needed an entry the Danish feeds did not
    return [write for write in made if write is not None]


def feed_file(serialiser, revised: list[tuple], settings, lang: str) -> feeds.Write | None:
    """/<lang>/kalender.ics: a calendar of its own, so two languages never clash in one app.

    SEQUENCE and LAST-MODIFIED are the Danish event's (`revised`: event, revision): translations keep its times.
    """
    shown = feed_events([event for event, _ in revised], lang)
    entries = sorted(zip(revised, shown), key=lambda entry: entry[1].uid)
    serialised = [feed_event_ical(serialiser, original, version, revision) for (original, revision), version in entries]
    name = translate(lang, FEED_NAME) % {"site": settings["SITENAME"]}
    return feeds.feed_file(f"{lang}/kalender.ics", name, serialised, settings)


def feed_event_ical(serialiser, original, shown, revision) -> bytes:
    """An untranslated event is the Danish event's lines under the feed's UIDs; a translation is itself."""
    if isinstance(shown, InLanguage):
        return serialiser.ical(original, original, revision, under=shown.uid)
    return serialiser.ical(shown, original, revision)


# --- Newsletter editions -------------------------------------------------------------------

FALLBACK_NOTE = N_("Dette afsnit findes kun på dansk.")
NEWSLETTER = N_("Nyhedsbrev")  # an edition's title: "Newsletter · Spring 2013"


def edition_languages(issue, context: dict) -> list[str]:
    """NEWSLETTER_LANGUAGES (None: every language of the site), and any a section is translated into."""
    every = list(context["LANGUAGES"])
    wanted = context.get("NEWSLETTER_LANGUAGES")
    chosen = set(every if wanted is None else wanted) | {s.lang for s in issue.sections}
    return [lang for lang in every if lang in chosen and lang != issue.lang]


def editions(issue, context: dict) -> list:
    """The Danish issue, and an edition in each of edition_languages().

    Sections pair up by file name (`30-driften.md`, `30-driften.ar.md`). An
    edition takes its language's version of each section and the Danish one
    where there is none (the template says so in the edition's language); its
    news and calendar show translations where they exist. Printed as
    `/<lang>/nyhedsbrev/<id>.pdf`.
    """
    from rumforliv.newsletter import (
        issues as newsletter,  # late: newsletter is a sibling output, not a dependency of the site
    )

    default = issue.lang
    languages = edition_languages(issue, context)
    danish = replace(issue, sections=[s for s in issue.sections if s.lang == default])
    result = [danish]
    for lang in languages:
        chosen = {s.key: s for s in danish.sections}
        chosen.update({s.key: s for s in issue.sections if s.lang == lang})
        keys = sorted(chosen)
        first, last = issue.covers
        occurrences = localized_occurrences(newsletter.occurrences_between(context, first, last), lang)
        news = [
            newsletter.NewsItem(version, newsletter.demote_headings(version.content, 2))
            for version in (localize(item.article, lang) for item in issue.news)
        ]
        result.append(
            replace(
                danish,
                lang=lang,
                prefix=f"{lang}/",
                title=f"{translate(lang, NEWSLETTER)} · {danish.season_year_in(lang)}",
                sections=[chosen[key] for key in keys],
                news=news,
                calendar=newsletter.build_calendar(occurrences, first, last, lang),
                pages=0,
            )
        )
        newsletter.add_codes(result[-1], context)
    for edition in result:  # as Pelican's content: each knows the others (language switcher, archive)
        edition.translations = [other for other in result if other is not edition]
    return result


def add_editions(context: dict) -> None:
    """Replace each issue in the shared list by itself and its editions (the newsletter prints the list)."""
    issues = context.get("newsletter_issues")
    if issues:
        issues[:] = [edition for issue in list(issues) for edition in editions(issue, context)]
