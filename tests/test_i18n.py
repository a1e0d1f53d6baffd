"""Every household in its own language: catalogues, translated content, per-language pages and feeds."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import textwrap

import icalendar
import pytest
from jinja2 import Environment

from rumforliv.build.run import BuildFailed
from rumforliv.site import i18n
from rumforliv.wording import catalogues, text

from conftest import HOMEWORK, NEWS, ROOT, TinySite

OTHER_LANGUAGES = ["en", "tr", "so", "ar", "ur"]


def load_updater():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def translation(danish: str, lang: str, title: str, body: str) -> str:
    """`danish` with another Lang, Title and body: how an editor makes a translation."""
    header, _ = textwrap.dedent(danish).lstrip("\n").split("\n\n", 1)
    header = re.sub(r"^Title: .*$", f"Title: {title}", header, flags=re.M)
    return f"{header}\nLang: {lang}\n\n{body}\n"


HOMEWORK_AR = translation(HOMEWORK, "ar", "مقهى الواجبات المدرسية", "مساعدة في الواجبات المدرسية.")
NEWS_WITH_SLUG = NEWS.replace("Tags: fest, børn", "Tags: fest, børn\n    Slug: fastelavn")
NEWS_EN = translation(NEWS_WITH_SLUG, "en", "Shrovetide in Akacieparken", "120 children hit the barrel.")
CLUB = """
    Title: Klubaften
    Start: 2013-03-05 19:00
    Location: Klubben, Lukretiavej 1, 2500 Valby
    Estate: Lukretiavej
    Category: Børn, unge og familier
    Slug: klub

    Hygge for unge.
"""


@pytest.fixture(scope="module")
def translated_site(tmp_path_factory):
    """One build shared by the read-only tests below (a build takes a second or two)."""
    site = TinySite(tmp_path_factory.mktemp("translated"))
    site.write(
        {
            "content/kalender/lektiecafe.md": HOMEWORK,
            "content/kalender/lektiecafe.ar.md": HOMEWORK_AR,
            "content/kalender/klub.md": CLUB,
            "content/nyheder/fastelavn.md": NEWS_WITH_SLUG,
            "content/nyheder/fastelavn.en.md": NEWS_EN,
        }
    )
    site.build()
    return site


# --- Catalogues ----------------------------------------------------------------


def test_every_catalogue_is_complete_and_matches_the_templates():
    updater = load_updater()
    template = updater.extract()
    assert len(template) > 50  # the extraction really read the templates
    problems = [p for lang in updater.LANGUAGES for p in updater.problems(lang, template)]
    assert problems == [], "run: python scripts/update_translations.py, then translate:\n" + "\n".join(problems[:20])


def test_catalogues_cover_every_site_language():
    from rumforliv.build.run import load_settings

    assert load_settings(ROOT / "pelicanconf.py")["LANGUAGES"] == load_updater().LANGUAGES


def test_gettext_follows_the_language_of_the_page_rendered():
    catalogues.use(ROOT / "translations")
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install(env)
    page = env.from_string('{{ _("Kalender") }}|{% trans n=2 %}{{ n }} dag{% pluralize %}{{ n }} dage{% endtrans %}')
    assert page.render(page_lang="da").startswith("Kalender|")
    assert page.render(page_lang="en") == f"{i18n.translate('en', 'Kalender')}|" + catalogues.translate_plural(
        "en", "%(n)s dag", "%(n)s dage", 2
    ) % {"n": 2}
    assert i18n.translate("en", "Kalender") != "Kalender"


def test_filters_with_a_lang_parameter_get_the_page_language():
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.filters.update(text.FILTERS)
    i18n.install(env)
    day = dt.date(2013, 3, 5)
    page = env.from_string("{{ day|long_date }}")
    assert page.render(day=day, page_lang="da") == "tirsdag d. 5. marts 2013"
    assert page.render(day=day, page_lang="ar") == text.long_date(day, "ar")
    assert "مارس" in page.render(day=day, page_lang="ar")
    assert env.from_string('{{ day|long_date("tr") }}').render(day=day, page_lang="ar") == text.long_date(day, "tr")


def test_languages_are_named_in_themselves():
    assert [i18n.language_name(lang) for lang in ["da", "en", "tr", "so", "ar", "ur"]] == [
        "Dansk",
        "English",
        "Türkçe",
        "Soomaali",
        "العربية",
        "اردو",
    ]


# --- Content translations ------------------------------------------------------------


def test_translation_is_written_under_its_language_prefix_in_its_language(translated_site):
    page = translated_site.read("ar/kalender/lektiecafe/index.html")
    assert '<html lang="ar" dir="rtl">' in page
    assert "مقهى الواجبات المدرسية" in page
    assert i18n.translate("ar", "Spring til indholdet") in page
    assert "Spring til indholdet" not in page
    english = translated_site.read("en/nyheder/2013/fastelavn/index.html")
    assert '<html lang="en" dir="ltr">' in english
    assert "Shrovetide in Akacieparken" in english
    assert "Monday, February 11, 2013" in english  # Babel's English date, not the Danish one


def test_pages_link_to_their_translations_with_hreflang(translated_site):
    danish = translated_site.read("kalender/lektiecafe/index.html")
    arabic = translated_site.read("ar/kalender/lektiecafe/index.html")
    for page in (danish, arabic):
        assert '<link rel="alternate" hreflang="da" href="/kalender/lektiecafe/">' in page
        assert '<link rel="alternate" hreflang="ar" href="/ar/kalender/lektiecafe/">' in page
        assert 'hreflang="en" href="/en/kalender/lektiecafe/"' not in page
    assert '<a href="/ar/kalender/lektiecafe/" hreflang="ar">العربية</a>' in danish


def test_missing_translation_stays_in_the_language_and_says_so_there(translated_site):
    """From the Arabic page, Somali leads to the Somali page of the same activity: the site in Somali,
    a note in Somali that the text is only in Danish, then the Danish text marked as Danish."""
    arabic = translated_site.read("ar/kalender/lektiecafe/index.html")
    somali_link = re.search(r'<li lang="so" dir="ltr">(.*?)</li>', arabic, re.S).group(1)
    assert 'href="/so/kalender/lektiecafe/" hreflang="so"' in somali_link
    somali = translated_site.read("so/kalender/lektiecafe/index.html")
    note = i18n.translate("so", i18n.NO_TRANSLATION)
    assert note != i18n.NO_TRANSLATION
    assert '<html lang="so"' in somali
    assert somali.index(note) < somali.index("<h1")  # the note first, then the Danish text
    assert '<h1 lang="da" dir="ltr">Lektiecafé for børn og unge</h1>' in somali
    assert 'rel="alternate" hreflang="so"' not in somali  # not a translation: no hreflang for it
    assert note not in translated_site.read("ar/kalender/lektiecafe/index.html").split("</header>")[1]


def test_untranslated_page_links_each_language_to_its_own_version(translated_site):
    club = translated_site.read("kalender/klub/index.html")
    assert '<a href="/ur/kalender/klub/" hreflang="ur">اردو</a>' in club
    assert 'rel="alternate" hreflang="ur"' not in club
    urdu = translated_site.read("ur/kalender/klub/index.html")
    assert '<html lang="ur" dir="rtl">' in urdu and i18n.translate("ur", i18n.NO_TRANSLATION) in urdu


def test_front_page_calendar_and_subscribe_page_exist_in_every_language(translated_site):
    for lang in OTHER_LANGUAGES:
        for path in ("index.html", "kalender/index.html", "abonner/index.html"):
            page = translated_site.read(f"{lang}/{path}")
            assert f'<html lang="{lang}"' in page
    arabic_calendar = translated_site.read("ar/kalender/index.html")
    assert 'href="/ar/kalender/lektiecafe/"' in arabic_calendar  # the translation where there is one
    assert 'href="/ar/kalender/klub/"' in arabic_calendar  # else the Danish text on an Arabic page
    assert "/ar/kalender.ics" in translated_site.read("ar/abonner/index.html")


def test_translated_event_must_keep_the_danish_times(site):
    moved = HOMEWORK_AR.replace("Start: 2013-01-07 15:00", "Start: 2013-01-07 16:00")
    site.write({"content/kalender/lektiecafe.md": HOMEWORK, "content/kalender/lektiecafe.ar.md": moved})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "lektiecafe.ar.md" in str(failure.value)
    assert "andre tider" in str(failure.value)


# --- Feeds per language ----------------------------------------------------------------


def test_each_language_has_a_feed_of_its_own(translated_site):
    danish = icalendar.Calendar.from_ical(translated_site.read("kalender.ics"))
    arabic = icalendar.Calendar.from_ical(translated_site.read("ar/kalender.ics"))
    english = icalendar.Calendar.from_ical(translated_site.read("en/kalender.ics"))
    names = {str(c["X-WR-CALNAME"]) for c in (danish, arabic, english)}
    assert len(names) == 3
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in arabic.walk("VEVENT")}
    assert summaries["lektiecafe.ar@rumforliv.dk"] == "مقهى الواجبات المدرسية"
    assert summaries["klub.ar@rumforliv.dk"] == "Klubaften"  # Danish where not translated
    uids = [{str(e["UID"]) for e in c.walk("VEVENT")} for c in (danish, arabic, english)]
    assert not (uids[0] & uids[1]) and not (uids[1] & uids[2]) and not (uids[0] & uids[2])
    assert all(uid.endswith(".en@rumforliv.dk") for uid in uids[2])


def test_translation_without_a_danish_original_stops_build(site):
    site.write({"content/kalender/lektiecafe.ar.md": HOMEWORK_AR})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "content/kalender/lektiecafe.ar.md:1: Slug:" in str(failure.value)


def test_time_spans_keep_their_order_in_right_to_left_pages():
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.filters.update(text.FILTERS)
    i18n.install(env)
    start = dt.datetime(2013, 3, 5, 10, 0)
    occurrence = type("Occ", (), {"all_day": False, "start": start, "end": start + dt.timedelta(hours=2)})()
    page = env.from_string("{{ occ|time_span }}|{{ occ.start|long_date }}")
    assert page.render(occ=occurrence, page_lang="ar", RTL_LANGUAGES=["ar", "ur"]).startswith(
        "\u206610:00–12:00\u2069|"
    )
    assert "\u2066" not in page.render(occ=occurrence, page_lang="ar", RTL_LANGUAGES=["ar", "ur"]).split("|")[1]
    assert "\u2066" not in page.render(occ=occurrence, page_lang="da", RTL_LANGUAGES=["ar", "ur"])


def test_words_from_the_settings_are_in_the_catalogues():
    from rumforliv.build.run import load_settings

    settings = load_settings(ROOT / "pelicanconf.py")
    words = settings["CATEGORIES"] + settings["AUDIENCES"] + [name for name, _, _ in settings["SCHOOL_HOLIDAYS"]]
    assert set(words + [settings["SITESUBTITLE"]]) <= set(catalogues.SETTING_WORDS)
    env = Environment(autoescape=True)
    env.filters.update(translated=i18n.translated)
    assert env.from_string("{{ 'børn'|translated }}").render(page_lang="so") == "carruurta"


def test_the_plans_key_pages_are_translated_into_every_language():
    """The issue's list: front page, homework cafés, job centre (activities and their pages), a news item."""
    content = ROOT / "content"
    danish = [
        "sider/forside.md",
        "sider/indsatser/lektiecafe.md",
        "sider/indsatser/jobcenter.md",
        "kalender/lektiecafe-boern.md",
        "kalender/lektiecafe-voksne.md",
        "kalender/jobcenter-aabent-hus.md",
        "nyheder/2013-01-15-jobcentret-hver-tirsdag.md",
    ]
    missing = [
        f"{name[:-3]}.{lang}.md"
        for name in danish
        for lang in OTHER_LANGUAGES
        if not (content / f"{name[:-3]}.{lang}.md").is_file()
    ]
    assert missing == []
    for lang in OTHER_LANGUAGES:
        text_ = (content / f"kalender/lektiecafe-boern.{lang}.md").read_text(encoding="utf-8")
        assert f"\nLang: {lang}\n" in text_ and "\nSlug: lektiecafe-boern\n" in text_
