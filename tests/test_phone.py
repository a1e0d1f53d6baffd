"""Every page type in every language, read on a phone: the reader's language throughout, the heading
on the first screen, subscribing first, the newsletter archive, share cards and the page's weight.

One tiny site is built once: an activity, a news item, a page and the front page's text translated
into every language, an activity and a news item that are only in Danish, and three newsletter
issues (one still to come). The HTML of every page type in every language is read in Python;
headless Chromium (tests/browser/phone.mjs, axe.mjs) measures a handful of pages per language.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, features
from test_rtl import AXE, files, needs, run_node

from rumforliv.build.store import Shelf
from rumforliv.site import cards, i18n

from conftest import ROOT, TinySite, served

PHONE = ROOT / "tests/browser/phone.mjs"
LANGUAGES = ["da", "en", "tr", "so", "ar", "ur"]
RTL = {"ar", "ur"}
CLUB = """
    Title: Klubaften
    Start: 2013-03-05 18:00
    End: 2013-03-05 20:00
    Repeat: FREQ=WEEKLY;BYDAY=TU;UNTIL=20131231
    Location: Klubben, Lukretiavej 1, 2500 Valby
    Estate: Lukretiavej
    Category: Børn, unge og familier
    Audience: børn
    Slug: klub

    Spil og [lektiehjælp](/kalender/lektiecafe/) hver tirsdag.
"""
ONLY_DANISH_NEWS = """
    Title: Ny bestyrelse på Lukretiavej
    Date: 2013-03-01 10:00
    Category: Beboernetværk, inddragelse og demokrati
    Estate: Lukretiavej

    Fem beboere blev valgt.
"""
ABOUT = """
    Title: Om helhedsplanen
    Slug: om-helhedsplanen

    Rum for Liv er en boligsocial helhedsplan.
"""
# Three meetings on a Wednesday with the homework café: the month grid shows three and "+1 flere", which
# leads to the month day by day (kalender/2013/03/dage/).
MEETINGS = {
    f"content/kalender/moede-{n}.md": f"""
    Title: Beboermøde {n}
    Start: 2013-03-06 {9 + n}:00
    End: 2013-03-06 {10 + n}:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati
    Slug: moede-{n}

    Et møde.
"""
    for n in (1, 2, 3)
}
ISSUES = {
    "newsletter/2012-4/index.md": "\n    Title: Nyhedsbrev · Vinter 2012\n    Date: 2012-12-01\n\n    Godt nytår.\n",
    "newsletter/2013-1/index.md": "\n    Title: Nyhedsbrev · Forår 2013\n    Date: 2013-03-01\n\n    Her er foråret.\n",
    # the spring issue's section in Arabic: an Arabic edition; the other languages have none
    "newsletter/2013-1/30-driften.md": "\n    Title: Nyt fra driften\n\n    Vi maler opgangene i april.\n",
    "newsletter/2013-1/30-driften.ar.md": "\n    Title: أخبار الصيانة\n    Lang: ar\n\n    نطلي السلالم في أبريل.\n",
    "newsletter/2013-2/index.md": "\n    Title: Nyhedsbrev · Sommer 2013\n    Date: 2013-06-01\n\n    Sommeren er her.\n",
}
PAGE_TYPES = [
    "",
    "kalender/",
    "kalender/2013/03/",
    "kalender/2013/03/dage/",
    "kalender/lektiecafe/",
    "kalender/klub/",
    "kalender/afdeling/lukretiavej/",
    "kalender/afdeling/lukretiavej/boern/",
    "kalender/maalgruppe/boern/",
    "nyheder/",
    "nyheder/2013/fastelavn/",
    "nyheder/2013/ny-bestyrelse-paa-lukretiavej/",
    "kontakt/",
    "nyhedsbrev/",
    "nyhedsbrev/2013-1/",
    "abonner/",
    "hjaelp/",
    "404.html",
]
# In the browser: a handful per language (every type's HTML is read in Python above).
BROWSED = ["", "kalender/2013/03/", "kalender/klub/", "nyheder/", "nyhedsbrev/", "abonner/", "hjaelp/"]


def url(lang: str, page_type: str) -> str:
    return f"/{page_type}" if lang == "da" else f"/{lang}/{page_type}"


def file_of(path: str) -> str:
    return path.lstrip("/") + ("index.html" if path.endswith("/") else "")


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory) -> TinySite:
    site = TinySite(tmp_path_factory.mktemp("phone"))
    site.write(
        {
            **files(),
            "content/kalender/klub.md": CLUB,
            "content/nyheder/bestyrelse.md": ONLY_DANISH_NEWS,
            "content/sider/om-helhedsplanen.md": ABOUT,
            **ISSUES,
            **MEETINGS,
        }
    )
    site.build()
    return site


@pytest.fixture(scope="module")
def server(phone_site):
    with served(phone_site.output) as base:
        yield base


@pytest.fixture(scope="module")
def measured(phone_site, server, tmp_path_factory) -> dict:
    needs("chromium")
    shots = tmp_path_factory.mktemp("phone-shots")
    busy = [url(lang, "kalender/2013/03/dage/") for lang in ("da", "ar")]  # the month day by day
    return run_node(PHONE, server, str(shots), *[url(lang, t) for lang in LANGUAGES for t in BROWSED], *busy)


# --- Every page type in every language -------------------------------------------------

LINK = re.compile(r'<a [^>]*?href="([^"]+)"[^>]*>')


def site_links(html: str) -> list[str]:
    """Links to pages of the site outside the language switcher (which leads to the other languages)."""
    body = re.sub(r'<nav class="languages".*?</nav>', "", html.split("<body>", 1)[1], flags=re.S)
    found = []
    for href in LINK.findall(body):
        if href.startswith("/") and not re.search(r"\.(ics|pdf|png|xml)$", href.split("#")[0]):
            found.append(href.split("#")[0])
    return found


def test_every_page_type_is_in_every_language_and_its_links_stay_there(phone_site):
    for lang in LANGUAGES:
        for page_type in PAGE_TYPES:
            path = url(lang, page_type)
            html = phone_site.read(file_of(path))
            assert f'<html lang="{lang}" dir="{"rtl" if lang in RTL else "ltr"}">' in html, path
            for link in site_links(html):
                assert (phone_site.output / file_of(link)).is_file(), (path, link)
                inside = link.startswith(f"/{lang}/") if lang != "da" else link.split("/")[1] not in LANGUAGES
                assert inside, (path, link)


def test_fixed_text_dates_and_menu_are_in_the_readers_language(phone_site):
    import datetime as dt

    from rumforliv.wording.text import month_name
    from rumforliv.wording.words import first_upper

    somali = phone_site.read("so/kalender/2013/03/index.html")
    assert f'href="/so/kalender/" aria-current="true">{i18n.translate("so", "Kalender")}</a>' in somali
    assert f"<h1>{first_upper(month_name(dt.date(2013, 3, 1), 'so'))}</h1>" in somali
    assert "marts" not in somali
    arabic_archive = phone_site.read("ar/nyhedsbrev/index.html")
    assert i18n.translate("ar", "Til redaktører: filer til tryk") in arabic_archive
    assert f'href="/ar/kalender/">{i18n.translate("ar", "Kalenderen")}</a>' in phone_site.read("ar/404.html")


def test_danish_only_content_says_so_first_in_the_readers_language(phone_site):
    for path, title in (
        ("so/kalender/klub/index.html", "Klubaften"),
        ("ur/nyheder/2013/ny-bestyrelse-paa-lukretiavej/index.html", "Ny bestyrelse på Lukretiavej"),
        ("ar/hjaelp/index.html", None),
    ):
        lang = path.split("/")[0]
        html = phone_site.read(path)
        note = i18n.translate(lang, i18n.NO_TRANSLATION)
        assert note != i18n.NO_TRANSLATION
        main = html.split('id="indhold"', 1)[1]
        assert main.index(note) < main.index("<h1"), path
        if title:
            assert f'lang="da" dir="ltr">{title}</h1>' in main, path
    # a translated page has no such note, and a link in the Danish text stays in the language
    assert i18n.translate("so", i18n.NO_TRANSLATION) not in phone_site.read("so/kalender/lektiecafe/index.html")
    assert (
        'href="/so/kalender/lektiecafe/"'
        in phone_site.read("so/kalender/klub/index.html").split('class="description"')[1]
    )


# --- Subscribing from the phone ------------------------------------------------------------


def test_audience_and_estate_filters_have_pages_and_feeds(phone_site):
    for lang in ("da", "tr"):
        html = phone_site.read(file_of(url(lang, "kalender/afdeling/lukretiavej/boern/")))
        assert "Klubaften" in html  # for children at Lukretiavej
        assert "webcal://rumforliv.dk/kalender/afdeling/lukretiavej/boern.ics" in html
    assert (phone_site.output / "kalender/afdeling/lukretiavej/boern.ics").is_file()
    children = (phone_site.output / "kalender/maalgruppe/boern.ics").read_text(encoding="utf-8")
    assert "UID:klub@" in children and "UID:lektiecafe@" in children  # the homework café is for children too
    lukretiavej = (phone_site.output / "kalender/afdeling/lukretiavej/boern.ics").read_text(encoding="utf-8")
    assert "UID:lektiecafe@" not in lukretiavej  # held in Akacieparken


def test_filter_pages_sit_beside_their_feeds_in_every_language(phone_site):
    out = phone_site.output
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        for page in ("kalender/maalgruppe/boern/", "kalender/afdeling/lukretiavej/boern/"):
            html = phone_site.read(file_of(url(lang, page)))
            feed = page.rstrip("/") + ".ics"
            assert f'href="/{feed}"' in html and (out / feed).is_file(), (lang, page)
            assert f"<loc>https://rumforliv.dk{url(lang, page)}</loc>" in sitemap, (lang, page)
        assert not (out / url(lang, "kalender/for/").lstrip("/")).exists()
    linking = [p for p in out.rglob("*.html") if "/kalender/for/" in p.read_text(encoding="utf-8")]
    assert linking == [] and "/kalender/for/" not in sitemap


# --- The newsletter archive --------------------------------------------------------------


def test_archive_shows_the_latest_published_issue_first_and_print_files_for_editors_only(phone_site):
    for lang in ("da", "ar"):
        html = phone_site.read(file_of(url(lang, "nyhedsbrev/")))
        residents, editors = html.split('id="til-redaktoerer"')
        assert residents.index("nyhedsbrev/2013-1") < residents.index("nyhedsbrev/2012-4")
        first_pdf = re.search(r'href="(/[^"]+\.pdf)"', residents).group(1)
        assert first_pdf.endswith("nyhedsbrev/2013-1.pdf")  # the current issue's PDF, one tap away
        assert "2013-2" not in residents  # still to come: not for residents yet
        assert "-tryk.pdf" not in residents and "-haefte.pdf" not in residents
        assert "/nyhedsbrev/2013-2-tryk.pdf" in editors and "/nyhedsbrev/2012-4-haefte.pdf" in editors


def test_archive_links_the_edition_in_the_readers_language_or_says_the_issue_is_only_in_danish(phone_site):
    only_danish = "Dette nummer af nyhedsbrevet findes kun på dansk."
    arabic = phone_site.read("ar/nyhedsbrev/index.html").split('id="til-redaktoerer"')[0]
    spring = arabic.split('<section class="issue latest">')[1].split("</section>")[0]
    assert 'href="/ar/nyhedsbrev/2013-1/"' in spring and 'href="/ar/nyhedsbrev/2013-1.pdf"' in spring
    assert (phone_site.output / "ar/nyhedsbrev/2013-1.pdf").is_file()  # the edition the model printed
    assert i18n.translate("ar", only_danish) not in spring
    winter = arabic.split('<section class="issue">')[1]  # 2012-4 has no Arabic section: no edition
    assert 'href="/nyhedsbrev/2012-4.pdf"' in winter and i18n.translate("ar", only_danish) in winter
    for lang in ("en", "tr", "so", "ur"):  # no edition in these: the Danish issue, and a note in their language
        note = i18n.translate(lang, only_danish)
        assert note != only_danish, lang
        archive = phone_site.read(f"{lang}/nyhedsbrev/index.html").split('id="til-redaktoerer"')[0]
        assert archive.count(note) == 2 and 'href="/nyhedsbrev/2013-1.pdf"' in archive, lang
        page = phone_site.read(f"{lang}/nyhedsbrev/2013-1/index.html").split('id="indhold"')[1]
        assert page.index(note) < page.index("<h1"), lang
        assert 'href="/nyhedsbrev/2013-1.pdf"' in page, lang
    assert only_danish not in phone_site.read("nyhedsbrev/index.html")
    assert i18n.translate("ar", only_danish) not in phone_site.read("ar/nyhedsbrev/2013-1/index.html")


def test_the_danish_archive_lists_each_issue_once_with_its_editions_for_editors(phone_site):
    archive = phone_site.read("nyhedsbrev/index.html")
    residents, editors = archive.split('id="til-redaktoerer"')
    assert residents.count('href="/nyhedsbrev/2013-1/"') == 1 and "/ar/" not in residents.split("</header>")[1]
    assert editors.count('href="/ar/nyhedsbrev/2013-1-tryk.pdf"') == 1
    assert editors.count('href="/nyhedsbrev/2013-1-tryk.pdf"') == 1


# --- Share cards -----------------------------------------------------------------------------


def og(html: str, prop: str) -> str:
    return re.search(rf'<meta property="{prop}" content="([^"]*)">', html).group(1)


def test_every_page_has_a_share_card_and_an_activity_says_when_and_where(phone_site):
    for lang in LANGUAGES:
        for page_type in PAGE_TYPES:
            image = og(phone_site.read(file_of(url(lang, page_type))), "og:image")
            assert image.startswith("https://rumforliv.dk/"), image
            card = phone_site.output / image.removeprefix("https://rumforliv.dk/")
            assert Image.open(card).size == (1200, 630), image
    event = phone_site.read("kalender/klub/index.html")
    assert og(event, "og:image").endswith("/kort/kalender/klub.png")
    description = og(event, "og:description")
    assert "18" in description and "20" in description and "Klubben, Lukretiavej 1" in description
    arabic = phone_site.read("ar/kalender/lektiecafe/index.html")
    assert og(arabic, "og:image").endswith("/ar/kort/kalender/lektiecafe.png")


def ink_columns(path: Path, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost column with dark ink between rows `top` and `bottom`."""
    image = Image.open(path).convert("L").crop((0, top, cards.WIDTH, bottom))
    box = image.point(lambda v: 255 if v < 100 else 0).getbbox()
    return box[0], box[2]


def test_share_cards_run_right_to_left_in_arabic_and_urdu_and_are_reproducible(phone_site, tmp_path):
    assert features.check("raqm")  # Arabic and Urdu shaped and laid out by libraqm
    out = phone_site.output
    left, right = ink_columns(out / "kort/kalender/lektiecafe.png", 190, 270)  # the title's line
    assert left < cards.MARGIN + 10 and right < cards.WIDTH - 200
    for lang in ("ar", "ur"):  # a short title: it starts at the right-hand margin and ends far from the left
        left, right = ink_columns(out / f"{lang}/kort/kalender/lektiecafe.png", 190, 270)
        assert right > cards.WIDTH - cards.MARGIN - 10 and left > 400, (lang, left, right)
    again = TinySite(tmp_path)
    again.write({**files(), "content/kalender/klub.md": CLUB, "content/nyheder/bestyrelse.md": ONLY_DANISH_NEWS})
    again.build()
    for card in ("kort/kalender/klub.png", "ar/kort/kalender/lektiecafe.png", "kort/ur.png"):
        assert (again.output / card).read_bytes() == (out / card).read_bytes(), card


def test_a_card_is_drawn_again_only_when_what_it_shows_changes(tmp_path):
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    settings["THEME"] = str(ROOT / "theme")
    card = cards.Card("kort/x.png", "da", "Klubaften", ("tirsdag kl. 18–20", "Klubben"), "Børn, unge og familier", "X")
    cache = tmp_path / "cache"
    cards.write(card, settings, tmp_path / "a", Shelf(cache))
    stored = next(cache.iterdir())
    stored.write_bytes(b"kept")  # the next build copies what the cache holds for the same words
    cards.write(card, settings, tmp_path / "b", Shelf(cache))
    assert (tmp_path / "b/kort/x.png").read_bytes() == b"kept"
    other = cards.Card("kort/x.png", "da", "Klubaften", ("onsdag kl. 18–20", "Klubben"), "Børn, unge og familier", "X")
    cards.write(other, settings, tmp_path / "c", Shelf(cache))
    assert Image.open(io.BytesIO((tmp_path / "c/kort/x.png").read_bytes())).size == (1200, 630)


# --- In the browser ---------------------------------------------------------------------------


def test_the_heading_starts_in_the_first_160_px_of_a_phone_and_on_the_first_screen_zoomed(measured):
    tops = {(path, width): page["headingTop"] for path, widths in measured.items() for width, page in widths.items()}
    assert all(page["status"] == 200 for widths in measured.values() for page in widths.values())
    too_low = {key: top for key, top in tops.items() if key[1] == "390" and not (top is not None and top <= 160)}
    assert too_low == {}
    # 1280×800 at 200 %: 640×400, the phone's header too (site.css), so the heading is as high as on a phone
    zoomed = {key: top for key, top in tops.items() if key[1] == "640" and not (top is not None and top <= 160)}
    assert zoomed == {}


def test_tap_targets_are_44_px_and_no_link_leaves_the_language(measured):
    small = {f"{p} @{w}": page["small"] for p, ws in measured.items() for w, page in ws.items() if page["small"]}
    foreign = {f"{p} @{w}": page["foreign"] for p, ws in measured.items() for w, page in ws.items() if page["foreign"]}
    assert small == {}
    assert foreign == {}


def test_a_month_is_a_list_of_days_on_a_phone_and_a_legible_grid_on_a_computer(phone_site, measured):
    assert 'href="dage/#6"' in phone_site.read("kalender/2013/03/index.html")  # "+1 flere", measured with the rest
    for lang in LANGUAGES:
        month = measured[url(lang, "kalender/2013/03/")]
        assert month["390"]["gridCell"] is None and month["640"]["gridCell"] is None, lang  # 640: 200 % zoom
        assert month["1280"]["gridCell"] >= 120, (lang, month["1280"]["gridCell"])
    sideways = {
        f"{p} @{w}": page["overflow"] for p, ws in measured.items() for w, page in ws.items() if page["overflow"]
    }
    assert sideways == {}


def test_front_page_with_css_and_fonts_is_under_150_kb_and_rtl_css_only_on_rtl_pages(measured):
    for lang in LANGUAGES:
        front = measured[url(lang, "")]["390"]
        assert front["bytes"] < 150_000, (lang, front["bytes"])
    for path, widths in measured.items():
        rtl = path.split("/")[1] in RTL
        assert ("/theme/css/rtl.css" in widths["390"]["styles"]) == rtl, path


def test_axe_finds_nothing_serious_on_the_new_page_types(phone_site, server):
    needs("chromium")
    paths = [url(lang, t) for lang in ("da", "so", "ar") for t in BROWSED[1:]]
    report = run_node(AXE, server, *paths)
    problems = [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} – {', '.join(v['nodes'])}"
        for path in paths
        for v in report[path]["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []


def test_screenshots_are_kept_for_a_look(measured, tmp_path_factory):
    """phone.mjs leaves the first screen of each page at 390 and 1280 px (here: that it did)."""
    shots = list(tmp_path_factory.getbasetemp().rglob("phone-shots*/*.png"))
    assert any(p.name.endswith("-390.png") for p in shots) and any(p.name.endswith("-1280.png") for p in shots)
    keep = Path(os.environ.get("PHONE_SHOTS", ""))  # PHONE_SHOTS=/some/folder keeps them
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, keep / shot.name)
