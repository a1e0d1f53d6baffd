"""A rebuild keeps the pages whose inputs did not change, and gives exactly what a cold build gives.

Each case builds a site, changes one thing an editor (or the calendar) changes,
rebuilds into the same output with the same cache, and compares every file
with a cold build of the changed site into a fresh folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import jinja2
import pytest
from test_i18n import HOMEWORK_AR, NEWS_EN, NEWS_WITH_SLUG
from test_reproducible import FILES as REPRODUCIBLE_FILES
from test_reproducible import assert_identical, build_into

from rumforliv.build import memo, parallel
from rumforliv.build import run as build
from rumforliv.build.run import BuildFailed
from rumforliv.content import schema
from rumforliv.site import events, i18n
from rumforliv.wording import catalogues

from conftest import HOMEWORK, NEWS, ROOT, TinySite

FILES = {
    **REPRODUCIBLE_FILES,  # news, events, the front page's text and a newsletter issue
    "content/nyheder/fastelavn.md": NEWS_WITH_SLUG,
    "content/nyheder/fastelavn.en.md": NEWS_EN,
    "content/kalender/lektiecafe.ar.md": HOMEWORK_AR,
    "content/sider/kontakt.md": "Title: Kontakt\n\nKom forbi sekretariatet.\n",
    # Links to the knitting club by file: renaming the club (its URL) changes this item's page.
    "content/nyheder/strik.md": NEWS.replace("Fastelavn i Akacieparken", "Strik med os").replace(
        "120 børn slog katten af tønden.", "Se [strikkeklubben]({filename}/kalender/strik.md)."
    ),
}


class Reuse(logging.Handler):
    """How many pages the last build linked from the one before."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.reused: list[int] = []

    def emit(self, record):
        if hasattr(record, "reused"):
            self.reused.append(record.reused)


@pytest.fixture
def reuse():
    handler, logger = Reuse(), logging.getLogger("rumforliv.build")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture
def site(site):
    theme = site.root / "theme"
    shutil.copytree(ROOT / "theme", theme)  # its own copy, so a case may edit a template
    site.write(FILES)
    site.theme = theme
    return site


def assert_same_folders(first: Path, second: Path) -> None:
    """Also the folders: a rebuild must not leave the empty folders of removed pages."""

    def folders(root):
        return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir())

    assert folders(first) == folders(second)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


CHANGES = {
    "news text": lambda s: edit(s.content / "nyheder/vaar.md", "120 børn", "130 børn"),
    "news title": lambda s: edit(s.content / "nyheder/vaar.md", "Forår på Lukretiavej", "Forår i gården"),
    "new news item": lambda s: s.write(
        {"content/nyheder/ny.md": NEWS.replace("Fastelavn i Akacieparken", "Ny").replace("2013-02-11", "2013-03-03")}
    ),
    "event title": lambda s: edit(s.content / "kalender/strik.md", "Title: Strikkeklub", "Title: Strik og kaffe"),
    "event description": lambda s: edit(s.content / "kalender/strik.md", "drikker kaffe", "spiser kage"),
    "event time": lambda s: edit(s.content / "kalender/strik.md", "2013-01-08 10:00", "2013-01-08 09:30"),
    "event translation": lambda s: edit(s.content / "kalender/lektiecafe.ar.md", "مساعدة", "مساعدة كبيرة"),
    "page": lambda s: edit(s.content / "sider/forside.md", "Her kan du", "Her kan I"),
    "newsletter section": lambda s: edit(s.root / "newsletter/2013-1/30-driften.md", "sortere", "sortere godt"),
    "template": lambda s: edit(s.theme / "templates/base.html", "Spring til indholdet", "Gå til indholdet"),
    "event removed": lambda s: (s.content / "kalender/lejr.md").unlink(),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_rebuild_after_a_change_equals_a_cold_build(site, reuse, change):
    build_into(site, "output", THEME=str(site.theme))
    CHANGES[change](site)
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    cold = build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme))
    assert_identical(cold, rebuilt)
    assert_same_folders(cold, rebuilt)
    if change not in ("template", "page"):  # templates and pages (menus, focus areas) reach every page
        assert reuse.reused[1] > 0, "the rebuild linked no page from the build before"


def test_a_new_day_rebuilds_what_shows_today(site, reuse):
    """A daily build moves "this week" on; it must not copy yesterday's front page."""
    build_into(site, "output", THEME=str(site.theme))
    os.environ["SITE_TODAY"] = "2013-03-05"  # the site fixture puts it back after the test
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    cold = build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme))
    assert_identical(cold, rebuilt)


def test_nothing_changed_keeps_every_page(site, reuse):
    first = build_into(site, "output", THEME=str(site.theme))
    pages = len(list(first.rglob("*.html")))
    page = first / "kalender/strikkeklub/index.html"
    written = page.stat()
    build_into(site, "output", THEME=str(site.theme))
    assert reuse.reused[1] >= pages - 25  # all but Pelican's paginated lists and feeds' pages
    assert page.stat().st_ino == written.st_ino  # left where it was, not written or moved again


def test_the_previews_quick_and_printing_builds_share_their_caches(site, reuse):
    """`invoke vis` alternates builds that leave newsletters for later with builds that print them, on one
    or two processes: how a build works must not make the next one distrust the caches."""
    first = build_into(site, "output", THEME=str(site.theme), NEWSLETTER_PRINT_LATER=True)
    pages = len(list(first.rglob("*.html")))
    build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    assert reuse.reused[1] >= pages - 25
    build_into(site, "output", THEME=str(site.theme), NEWSLETTER_PRINT_LATER=True)
    assert reuse.reused[2] >= pages - 25
    different = build_into(site, "output", THEME=str(site.theme), SITESUBTITLE="Noget andet")
    assert reuse.reused[3] == 0 and "Noget andet" in (different / "index.html").read_text(encoding="utf-8")


def test_an_event_description_rerenders_its_page_not_the_calendars_listing_it(site, reuse):
    """Listings show an event's header fields (title, time, place), never its body."""
    first = build_into(site, "output", THEME=str(site.theme))
    listings = [first / "kalender/index.html", first / "kalender/2013/03/index.html", first / "ar/kalender/index.html"]
    assert all("Strikkeklub" in page.read_text(encoding="utf-8") for page in listings)
    written = [page.stat().st_ino for page in listings]
    edit(site.content / "kalender/strik.md", "drikker kaffe", "spiser kage")
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    assert "spiser kage" in (rebuilt / "kalender/strikkeklub/index.html").read_text(encoding="utf-8")
    assert [page.stat().st_ino for page in listings] == written  # kept where they were


def test_an_unchanged_news_list_is_kept(site, reuse):
    """Pelican paginates the news list as it writes it; its pages are kept as the others are
    (the change cases above show a changed item renders it again)."""
    (site.content / "nyheder/strik.md").unlink()  # a list showing an item that links by file is always rendered
    listing = build_into(site, "output", THEME=str(site.theme)) / "nyheder/index.html"
    written = listing.stat()
    build_into(site, "output", THEME=str(site.theme))
    assert listing.stat().st_ino == written.st_ino


def test_the_news_feed_is_kept_until_an_item_in_it_changes(site, reuse):
    """Pelican writes the news feeds; the page memo keeps them as it keeps pages."""
    (site.content / "nyheder/strik.md").unlink()  # an item that links by file makes the feed render every time
    feed = build_into(site, "output", THEME=str(site.theme)) / "feeds/nyheder.atom.xml"
    written = feed.stat()
    build_into(site, "output", THEME=str(site.theme))
    assert feed.stat().st_ino == written.st_ino  # kept where it was
    CHANGES["news title"](site)
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    assert "Forår i gården" in feed.read_text(encoding="utf-8")
    assert_identical(build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme)), rebuilt)


def test_a_source_counts_as_the_content_check_read_it(site):
    """A file saved while the build runs is digested as the build's start read it: the page Pelican
    rendered from the newer text counts as changed at the next build, never as up to date."""
    settings = build.load_settings(ROOT / "pelicanconf.py", **site.overrides())
    checked = schema.CheckedTree()
    assert schema.check_tree(settings, checked) == []
    path = site.content / "nyheder/vaar.md"
    as_checked = path.read_bytes()
    CHANGES["news text"](site)
    item = type("Item", (), {"source_path": os.path.abspath(path), "settings": {schema.CHECKED_SETTING: checked}})()
    unchecked = type("Item", (), {"source_path": os.path.abspath(path), "settings": {}})()
    assert memo.source_digest(item) == hashlib.sha256(as_checked).hexdigest()
    assert memo.source_digest(unchecked) == hashlib.sha256(path.read_bytes()).hexdigest() != memo.source_digest(item)


def test_a_rebuild_draws_no_qr_code_and_parses_no_catalogue(site, monkeypatch):
    """The subscribe pages are kept, so their QR codes are not drawn; the catalogues come compiled from the
    cache folder. A cold build still shows the codes and the translations."""
    import segno

    from rumforliv.site import calendar_pages

    def counting(calls, function):
        return lambda *args, **kwargs: calls.append(args) or function(*args, **kwargs)

    drawn, parsed = [], []
    monkeypatch.setattr(calendar_pages.segno, "make", counting(drawn, segno.make))
    monkeypatch.setattr(catalogues, "read_po", counting(parsed, catalogues.read_po))
    first = build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)  # all in this process

    def subscribe_codes():  # the newsletter prints codes of its own
        return [args[0] for args in drawn if args[0].startswith("webcal:")]

    pages = [path for path in first.glob("**/abonner/index.html") if "n" not in path.relative_to(first).parts]
    assert len(subscribe_codes()) == len(pages) > 1 and parsed  # not the short addresses /n/<issue>/abonner/
    drawn.clear(), parsed.clear()
    rebuilt = build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    assert subscribe_codes() == [] and parsed == []
    assert "<svg" in (rebuilt / "ar/abonner/index.html").read_text(encoding="utf-8")
    assert "<svg" in (
        build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme)) / "ar/abonner/index.html"
    ).read_text(encoding="utf-8")


def test_a_rebuild_keeps_the_guide_without_rendering_it(site, monkeypatch):
    """The editors' guide is keyed by its Markdown: a rebuild keeps /hjaelp/ and converts nothing."""
    from rumforliv.site import guide

    rendered = []
    original = guide.render_guide
    monkeypatch.setattr(guide, "render_guide", lambda text: rendered.append(text) or original(text))
    first = build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    page = first / "hjaelp/index.html"
    assert len(rendered) == 1 and '<nav class="toc"' in page.read_text(encoding="utf-8")
    written = page.stat().st_ino
    build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    assert len(rendered) == 1 and page.stat().st_ino == written


def test_a_rebuild_names_the_languages_without_babels_data(site, monkeypatch):
    """The language switcher's names ('العربية') are kept in the cache folder: a rebuild that renders
    a page loads no locale data for them, and shows the same names."""
    catalogues.language_name.cache_clear()  # each build here as in a process of its own: no names from other tests
    first = build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    switcher = (first / "kalender/strikkeklub/index.html").read_text(encoding="utf-8")
    assert "العربية" in switcher and "Türkçe" in switcher
    named = []
    original = catalogues.Locale.get_display_name
    monkeypatch.setattr(catalogues.Locale, "get_display_name", lambda *args: named.append(args) or original(*args))
    catalogues.language_name.cache_clear()  # as a new process has it
    edit(site.content / "kalender/strik.md", "drikker kaffe", "spiser kage")
    rebuilt = build_into(site, "output", THEME=str(site.theme), RENDER_WORKERS=1)
    page = (rebuilt / "kalender/strikkeklub/index.html").read_text(encoding="utf-8")
    assert "spiser kage" in page and named == []
    assert page.split("<main")[0] == switcher.split("<main")[0]


def test_a_failed_build_leaves_the_memo_of_the_last_good_one(site, reuse):
    """The pages the failed build rendered never reached output/, so they must not count as there."""
    good = build_into(site, "output", THEME=str(site.theme))
    before = (good / "kalender/strikkeklub/index.html").read_bytes()
    edit(site.content / "kalender/strik.md", "drikker kaffe", "spiser kage")
    section = site.root / "newsletter/2013-1/30-driften.md"
    edit(section, "sortere", "sortere \ue000")  # no font has it: printing fails after the pages are rendered
    with pytest.raises(BuildFailed):
        build_into(site, "output", THEME=str(site.theme))
    assert (good / "kalender/strikkeklub/index.html").read_bytes() == before
    edit(section, "sortere \ue000", "sortere")
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    assert "spiser kage" in (rebuilt / "kalender/strikkeklub/index.html").read_text(encoding="utf-8")
    cold = build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme))
    assert_identical(cold, rebuilt)


def test_an_output_changed_by_hand_is_not_trusted(site, reuse):
    """A page edited or removed in output/ since the last build is rendered again; a file added is removed."""
    first = build_into(site, "output", THEME=str(site.theme))
    (first / "kalender/strikkeklub/index.html").write_text("rettet i hånden", encoding="utf-8")
    (first / "kalender/familielejr/index.html").unlink()
    (first / "gammel/side").mkdir(parents=True)
    (first / "gammel/side/index.html").write_text("lagt ind i hånden", encoding="utf-8")
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    cold = build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme))
    assert_identical(cold, rebuilt)
    assert_same_folders(cold, rebuilt)


def test_an_update_stopped_half_way_is_not_trusted(site, reuse, monkeypatch):
    """Should moving the new pages into output/ stop, the next build must not keep pages from that mix."""
    build_into(site, "output", THEME=str(site.theme))
    edit(site.content / "nyheder/vaar.md", "120 børn", "130 børn")

    output, replace = site.root / "output", os.replace

    def full_disk(source, destination):
        if output in Path(destination).parents:
            raise OSError("no space left on device")
        return replace(source, destination)

    with monkeypatch.context() as patched:
        patched.setattr(build.os, "replace", full_disk)
        with pytest.raises(OSError):
            build_into(site, "output", THEME=str(site.theme))
    rebuilt = build_into(site, "output", THEME=str(site.theme))
    cold = build_into(site, "output-cold", cache="cache-cold", THEME=str(site.theme))
    assert_identical(cold, rebuilt)
    assert reuse.reused[1] == 0  # the rebuild after the stop trusted nothing in output/


@pytest.fixture
def forks(monkeypatch):
    """Counts the forks that render pages (parallel.py's; not the newsletter's printing pool)."""
    calls = []
    original = os.fork

    def counting():
        if sys._getframe(1).f_globals.get("__name__") == parallel.__name__:
            calls.append(1)
        return original()

    monkeypatch.setattr(parallel.os, "fork", counting)
    return calls


def test_pages_rendered_by_two_processes_are_the_same(site, forks):
    one = build_into(site, "output-1", cache="cache-1", RENDER_WORKERS=1)
    assert forks == []
    two = build_into(site, "output-2", cache="cache-2", RENDER_WORKERS=2, RENDER_PARALLEL_FROM=1)
    # the feeds, once the events are read; the caches for the next build; the site's pages; then the
    # newsletter's, written when its printing is done
    assert forks == [1, 1, 1, 1]
    assert_identical(one, two)


def test_a_rebuild_works_out_the_pages_keys_in_both_processes(site, forks, monkeypatch):
    """Most of a rebuild's page time is keys, not rendering: the second process takes its share of them."""
    parallel_pages = {"RENDER_WORKERS": 2, "RENDER_PARALLEL_FROM": 1}
    build_into(site, "output", **parallel_pages)
    edit(site.content / "kalender/strik.md", "drikker kaffe", "spiser kage")
    parent, kept, merge = os.getpid(), parallel.kept, memo.PageMemo.merge
    kept_by_children = []

    def slow_here(page, settings):  # so that this process cannot take every chunk before the child starts
        if os.getpid() == parent:
            time.sleep(0.005)
        return kept(page, settings)

    def merging(page_memo, state):  # a child's memo began as a copy of this one's: what is new is the child's
        kept_by_children.extend(name for name in set(state["kept"]) - page_memo.kept if name.endswith(".html"))
        merge(page_memo, state)

    monkeypatch.setattr(parallel, "kept", slow_here)
    monkeypatch.setattr(memo.PageMemo, "merge", merging)
    rebuilt = build_into(site, "output", **parallel_pages)
    assert len(kept_by_children) > 5  # pages, so not the feeds' child: it keeps .ics files
    assert_identical(build_into(site, "output-cold", cache="cache-cold"), rebuilt)


def test_the_feeds_are_written_beside_the_expansion(site, forks, monkeypatch):
    """The feeds need only the events: their child starts before this process expands the calendar."""
    forked_before = []
    original = events.EventsGenerator.expand

    def expand(generator):
        forked_before.append(len(forks))
        return original(generator)

    monkeypatch.setattr(events.EventsGenerator, "expand", expand)
    build_into(site, "output", RENDER_WORKERS=2)
    assert forked_before == [1]


def test_an_error_in_the_second_process_fails_the_build(site, forks, monkeypatch):
    parent, original = os.getpid(), i18n.LanguageWriter.render

    def render(writer, page):
        if os.getpid() != parent:
            logging.getLogger("pelican.writers").error("Fejl under tegning af %s", page.name)
        else:
            time.sleep(0.02)  # the child surely takes some of the work
        return original(writer, page)

    monkeypatch.setattr(i18n.LanguageWriter, "render", render)
    with pytest.raises(BuildFailed) as failure:
        build_into(site, "output", RENDER_WORKERS=2, RENDER_PARALLEL_FROM=1)
    assert forks == [1, 1, 1, 1] and "Fejl under tegning af" in str(failure.value)
    assert not (site.root / "output").exists()  # nothing half-written


@pytest.mark.parametrize("failure", ["logged", "raised"])
def test_a_failure_while_the_feeds_are_written_beside_the_pages_fails_the_build(site, forks, monkeypatch, failure):
    """The feeds are written by a child of their own while the pages are queued and written."""
    from rumforliv.ical import feeds

    parent, original = os.getpid(), feeds.feed_files

    def feed_files(*args):
        assert os.getpid() != parent
        made = original(*args)
        if failure == "logged":
            logging.getLogger("pelican.writers").error("Fejl i kalenderen")
        else:
            raise ValueError("Kalenderen gik i stykker")
        return made

    monkeypatch.setattr(feeds, "feed_files", feed_files)
    with pytest.raises(Exception) as raised:
        build_into(site, "output", RENDER_WORKERS=2)
    assert ("Fejl i kalenderen" if failure == "logged" else "Kalenderen gik i stykker") in str(raised.value)
    assert forks[:1] == [1] and not (site.root / "output").exists()
    assert [path.name for path in site.root.iterdir() if path.name.startswith(".output")] == []  # none half-written


def test_pages_failing_while_the_feeds_are_written_leave_no_folder_behind(site, monkeypatch):
    """The build waits for the feeds' child before it removes its folder, so the child cannot make it again."""
    from rumforliv.ical import feeds
    from rumforliv.site import calendar_pages

    original = feeds.feed_files

    def slow_feed_files(*args):
        time.sleep(0.3)  # still working when the pages fail
        return original(*args)

    def broken_pages(*args):
        raise ValueError("Siderne gik i stykker")

    monkeypatch.setattr(feeds, "feed_files", slow_feed_files)
    monkeypatch.setattr(calendar_pages, "write_all", broken_pages)
    with pytest.raises(ValueError, match="Siderne gik i stykker"):
        build_into(site, "output", RENDER_WORKERS=2)
    time.sleep(1)  # a child not waited for would have made the folder again by now
    assert [path.name for path in site.root.iterdir() if path.name.startswith(".output")] == []


def test_the_previous_site_is_removed_in_the_background(site):
    """When every page is rendered again, the new folder replaces output/ whole."""
    first = build_into(site, "output", THEME=str(site.theme))
    CHANGES["template"](site)
    build_into(site, "output", THEME=str(site.theme))
    trash = site.root / "cache" / "old-output"
    for _ in range(300):  # its own process removes it; give it up to 30 s on a slow disk
        if not any(trash.glob("*/site")):
            break
        time.sleep(0.1)
    assert not any(trash.glob("*/site"))
    assert (first / "index.html").is_file() and not (site.root / ".output.old").exists()


def test_a_value_no_template_reads_does_not_change_a_key(tmp_path):
    """Pelican hands every draft the list of all news; a draft must not be rendered again for that."""
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "base.html": "{{ title }}{% block body %}{% endblock %}",
                "page.html": "{% extends 'base.html' %}{% block body %}{% include 'part.html' %}{% endblock %}",
                "part.html": "{{ shown }}",
                "dynamic.html": "{% include chosen %}",
            }
        )
    )
    page_memo = memo.PageMemo(tmp_path / "cache", tmp_path / "output", tmp_path / "staging", "build")
    page_memo.site = b"settings, theme, catalogues"

    def key(template="page.html", **values):
        return page_memo.key("side.html", env.get_template(template), {}, {}, **values)

    assert key(title="a", shown="b", all_articles=[1]) == key(title="a", shown="b", all_articles=[2])
    assert key(title="a", shown="b") != key(title="a", shown="c")  # read by an included template
    assert key(title="a", shown="b") != key(title="x", shown="b")  # read by the extended template
    assert key(title="a", shown="b", page_lang="da") != key(title="a", shown="b", page_lang="ar")  # by filters
    assert key("dynamic.html", chosen="part.html", other=1) != key("dynamic.html", chosen="part.html", other=2)


def test_each_template_is_parsed_once_for_all_the_pages_that_use_it(tmp_path):
    """Every page template extends base.html: what it reads is found once, not once per page template."""
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "base.html": "{{ title }}{% block body %}{% endblock %}",
                "news.html": "{% extends 'base.html' %}{% block body %}{{ article }}{% include 'part.html' %}{% endblock %}",
                "event.html": "{% extends 'base.html' %}{% block body %}{{ event }}{% include 'part.html' %}{% endblock %}",
                "part.html": "{{ shown }}",
            }
        )
    )
    parsed = []
    original = env.parse
    env.parse = lambda source, *args: parsed.append(source) or original(source, *args)
    page_memo = memo.PageMemo(tmp_path / "cache", tmp_path / "output", tmp_path / "staging", "build")
    assert page_memo.names_read(env.get_template("news.html")) >= {"title", "article", "shown"}
    assert page_memo.names_read(env.get_template("event.html")) >= {"title", "event", "shown"}
    assert "article" not in page_memo.names_read(env.get_template("event.html"))
    assert len(parsed) == len(set(parsed)) == 4


def test_a_dataclass_counts_by_its_compared_fields(tmp_path):
    """Every compared field counts (a lone field too, through its own path), a compare=False helper does not."""

    @dataclasses.dataclass(frozen=True)
    class Slot:
        start: dt.datetime
        cancelled: bool = False
        match: object = dataclasses.field(default=None, compare=False)

    @dataclasses.dataclass(frozen=True)
    class Lone:
        slots: list

    def digest(value):  # a fresh memo each time: digests are remembered by id
        return memo.PageMemo(tmp_path / "cache", tmp_path / "output", tmp_path / "staging", "build").digest(value)

    start = dt.datetime(2015, 3, 2, 10)
    assert digest(Slot(start)) == digest(Slot(start, match=len))
    assert digest(Slot(start)) != digest(Slot(start, cancelled=True))
    assert digest(Slot(start)) != digest(Slot(start + dt.timedelta(minutes=30)))
    assert digest(Lone([Slot(start)])) == digest(Lone([Slot(start)]))
    assert digest(Lone([Slot(start)])) != digest(Lone([Slot(start, cancelled=True)]))
    assert digest([Slot(start), Slot(start)]) != digest([Slot(start)])


def test_a_rebuild_checks_only_the_content_that_changed(site, monkeypatch):
    build_into(site, "output", THEME=str(site.theme))
    checks, original = [], schema.check_data

    def counting(data, path, *args, **kwargs):
        if site.content in Path(path).parents:  # the newsletter reads its own files
            checks.append(Path(path).name)
        return original(data, path, *args, **kwargs)

    monkeypatch.setattr(schema, "check_data", counting)
    build_into(site, "output", THEME=str(site.theme))
    assert checks == []  # every file passed the last build's check as it is
    CHANGES["news text"](site)
    build_into(site, "output", THEME=str(site.theme))
    assert checks == ["vaar.md"]


def test_an_image_removed_since_the_last_build_fails_the_rebuild(site):
    """A news item's check also looks for its image: that check is never skipped."""
    from PIL import Image

    edit(site.content / "nyheder/vaar.md", "\n\n", "\nImage: billeder/vaar.png\nImage-Alt: Børn i gården\n\n")
    (site.content / "billeder").mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), "green").save(site.content / "billeder/vaar.png")
    build_into(site, "output", THEME=str(site.theme))
    (site.content / "billeder/vaar.png").unlink()
    with pytest.raises(BuildFailed) as failure:
        build_into(site, "output", THEME=str(site.theme))
    assert 'Billedet "billeder/vaar.png" findes ikke' in str(failure.value)


def test_a_schedule_expanded_by_the_last_build_gives_the_same_occurrences():
    """The timings kept between builds stand for the schedule they came from, and no other."""
    from test_recurrence import SETTINGS, FakeEvent, values

    from rumforliv.build.expansions import Expansions
    from rumforliv.calendar.recurrence import build_schedule, expand

    weekly = values(Start="2013-01-08 10:00", Repeat="FREQ=WEEKLY;BYDAY=TU")
    first, last = dt.date(2013, 1, 1), dt.date(2013, 12, 31)
    event = FakeEvent(build_schedule(weekly, SETTINGS))
    earlier = Expansions()
    fresh = expand([event], first, last, earlier)
    again = Expansions(earlier.used)
    assert expand([event], first, last, again) == fresh and not again.changed
    moved = FakeEvent(build_schedule({**weekly, **values(Moved="2013-03-05 -> 2013-03-06")}, SETTINGS))
    assert expand([moved], first, last, Expansions(earlier.used)) == expand([moved], first, last) != fresh
    assert expand([event], first, dt.date(2013, 6, 30), Expansions(earlier.used)) == expand(
        [event], first, dt.date(2013, 6, 30)
    )


def test_an_expanded_occurrence_counts_by_its_event_and_its_place_in_the_expansion(tmp_path):
    """An expansion stamps each occurrence (beside it, not on it) with its key and place, which fix its
    times; the memo digests the stamp, the same whether the timings were worked out now or kept."""
    from test_recurrence import SETTINGS, FakeEvent, values

    from rumforliv.build.expansions import Expansions
    from rumforliv.calendar.recurrence import build_schedule, expand

    first, last = dt.date(2013, 1, 1), dt.date(2013, 12, 31)
    event = FakeEvent(build_schedule(values(Start="2013-01-08 10:00", Repeat="FREQ=WEEKLY;BYDAY=TU"), SETTINGS))

    def digests(occurrences, known):  # a fresh memo each time: digests are remembered by id
        page_memo = memo.PageMemo(tmp_path / "cache", tmp_path / "output", tmp_path / "staging", "build")
        page_memo.stamps = known.stamps
        page_memo.remember(event, b"the event's header")
        return [page_memo.digest(occ) for occ in occurrences]

    earlier = Expansions()
    fresh = expand([event], first, last, earlier)
    assert len(set(digests(fresh, earlier))) == len(fresh) == 52
    again = Expansions(earlier.used)
    assert digests(expand([event], first, last, again), again) == digests(fresh, earlier)
    shorter = Expansions(earlier.used)
    half_year = expand([event], first, dt.date(2013, 6, 30), shorter)
    assert half_year == fresh[: len(half_year)] and digests(half_year, shorter)[0] != digests(fresh, earlier)[0]
    unstamped = dataclasses.replace(fresh[0])  # made outside an expansion: counted by its times
    later = dataclasses.replace(unstamped, start=unstamped.start + dt.timedelta(hours=1))
    assert digests([unstamped], earlier) != digests([later], earlier)
    assert digests([unstamped], earlier) != digests(fresh[:1], earlier)
    assert not any(f.metadata for f in dataclasses.fields(unstamped))  # the calendar model knows nothing of it


def test_a_listing_is_kept_page_by_page(tmp_path, reuse):
    """Each page of the paginated news list is kept on its own: a touched file is written again and the
    others stay; a changed title renders the one page that shows it; a new item moves every item down,
    and every page renders. Each time the result equals a cold build."""
    site = TinySite(tmp_path).write(
        {
            f"content/nyheder/nyhed-{n:02d}.md": NEWS.replace("Fastelavn i Akacieparken", f"Nyhed {n:02d}")
            for n in range(25)
        }
    )  # three pages of ten
    first = build_into(site, "output")
    listing = [first / "nyheder/index.html", first / "nyheder/side/2/index.html", first / "nyheder/side/3/index.html"]
    assert all(page.is_file() for page in listing) and not (first / "nyheder/side/4").exists()
    build_into(site, "output")
    all_kept = reuse.reused[1]

    def inodes():
        return [page.stat().st_ino for page in listing]

    before = inodes()
    listing[-1].write_text(listing[-1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_into(site, "output")
    assert reuse.reused[2] == all_kept - 1 and inodes()[:2] == before[:2]

    last_item = site.content / "nyheder/nyhed-24.md"  # one date for all: the slug (title) orders them, this one last
    edit(last_item, "Nyhed 24", "Nyhed 24, rettet")
    again = build_into(site, "output")
    assert inodes()[:2] == before[:2] and "Nyhed 24, rettet" in listing[-1].read_text(encoding="utf-8")
    assert_identical(build_into(site, "output-cold", cache="cache-cold"), again)

    site.write({"content/nyheder/nyhed-99.md": NEWS.replace("2013-02-11", "2013-02-12")})  # newest: first
    kept = inodes()
    again = build_into(site, "output")
    assert all(now != then for now, then in zip(inodes(), kept))
    assert_identical(build_into(site, "output-cold-2", cache="cache-cold-2"), again)


@pytest.mark.parametrize(
    "root, source",
    [
        ("/site/content", "/site/content/kalender/strik.md"),
        ("/site/content/", "/site/content/kalender/strik.md"),
        ("/site/content", "kalender/strik.md"),
        ("/site/content", "/site/other/strik.md"),
        ("/site/content", "/site/content/../content/kalender/strik.md"),
        ("/site/content", "/site/contents/strik.md"),
    ],
)
def test_an_events_relative_source_path_is_pelicans(root, source):
    """Event takes a short cut for files inside the content folder; it must give what Pelican gives."""
    from pelican.contents import Content

    from rumforliv.site.events import Event

    event = Event.__new__(Event)  # only the two attributes the path needs
    event.settings, event.source_path = {"PATH": root}, source
    assert event.get_relative_source_path() == Content.get_relative_source_path(event)


@pytest.mark.parametrize("workers", [1, 2])
def test_nothing_is_written_while_the_contexts_are_built(site, workers):
    """Pelican's rule: every generator's context first, then the output. The feeds are made beside the
    context (on a second core, or here without fork), but written only in the output phase."""
    from pelican import signals

    from rumforliv.build import parallel

    site.write({"content/kalender/lektiecafe.md": HOMEWORK})
    revisions = site.content / "kalender" / "revisioner.json"
    seen = {}

    def after_contexts(generators):
        staging = Path(generators[0].output_path)
        children = generators[0].context.get(parallel.EARLY_CHILDREN, [])
        seen["gated"] = all(child.gate is not None for child in children)  # none may write yet
        files = []
        for _ in range(20):  # a second for the feeds' child to write, were it allowed to
            files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
            if files:
                break
            time.sleep(0.05)
        seen["files"] = files
        seen["revisions"] = revisions.exists()

    signals.all_generators_finalized.connect(after_contexts)
    try:
        output = build_into(site, "output", RENDER_WORKERS=workers)
    finally:
        signals.all_generators_finalized.disconnect(after_contexts)
    assert seen == {"gated": True, "files": [], "revisions": False}
    assert (output / "kalender.ics").is_file() and revisions.is_file()  # written, in the output phase
