"""The theme and the site's general pages: built from a tiny site and read back."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from rumforliv.site.sitemap import page_url

from conftest import HOMEWORK, ROOT, TinySite

SITEURL = "https://rumforliv.example"
LANGUAGES = ("da", "en", "tr", "so", "ar", "ur")


def news(n: int, category: str = "Beboernetværk, inddragelse og demokrati", estate: str = "Akacieparken") -> str:
    return f"""
        Title: Nyhed nummer {n}
        Date: 2013-01-{n:02d} 10:00
        Category: {category}
        Estate: {estate}
        Tags: fest, børn
        Summary: Kort om nyhed {n}.

        Hele teksten om nyhed {n}.
    """


# Every kind of page the site has: 12 news items (two news pages), the front
# page's text, a plain page, a focus-area page, two activities in its area and
# one in another, and an event for the front page's "next 7 days".
FILES = {
    **{f"content/nyheder/{n:02d}.md": news(n) for n in range(1, 12)},
    "content/nyheder/12.md": news(12, "Image og kommunikation", "Akacieparken, Lukretiavej"),
    "content/sider/forside.md": """
        Title: Velkommen til Rum for Liv
        Slug: forside

        Her er teksten til forsiden.
    """,
    "content/sider/kontakt.md": """
        Title: Kontakt
        Slug: kontakt
        Summary: Her finder du os.

        Kom forbi sekretariatet.
    """,
    "content/sider/fokus/boern.md": """
        Title: Børn, unge og familier
        Slug: boern-unge-og-familier
        Category: Børn, unge og familier
        Summary: Et godt liv for børn og familier.

        Vi vil gøre livet bedre for børn.
    """,
    "content/sider/indsatser/lejr.md": """
        Title: Familielejr
        Slug: familielejr
        Category: Børn, unge og familier
        Audience: børn, familier
        Estate: Akacieparken
        Partners: Red Barnet, Sundhedsplejen
        Contact: Familiekoordinatoren, tlf. 12 34 56 78
        Summary: En uge på lejr om sommeren.
        Order: 2

        Hele familien tager på lejr.
    """,
    "content/sider/indsatser/klub.md": """
        Title: Familieklub
        Slug: familieklub
        Category: Børn, unge og familier
        Audience: familier
        Summary: Ture i naturen.
        Order: 1

        Vi tager på tur.
    """,
    "content/sider/indsatser/job.md": """
        Title: Jobcentret
        Slug: jobcenter
        Category: Uddannelse, beskæftigelse og erhverv
        Audience: voksne

        Råd om job.
    """,
    "content/kalender/lektiecafe.md": HOMEWORK,
    "content/kalender/langt-vaek.md": """
        Title: Sommerfest
        Start: 2013-06-15 14:00
        Location: Gården
        Estate: Lukretiavej
        Category: Beboernetværk, inddragelse og demokrati

        Fest.
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> TinySite:
    """The tiny site built once, published style (absolute SITEURL)."""
    site = TinySite(tmp_path_factory.mktemp("theme"))
    site.write(FILES)
    site.build(SITEURL=SITEURL, FEED_DOMAIN=SITEURL)
    return site


def html_files(site: TinySite) -> list[Path]:
    """The site's pages; /admin/ is Decap CMS's own interface for the editors (tests/test_admin.py)."""
    return sorted(p for p in site.output.rglob("*.html") if p.relative_to(site.output).parts[0] != "admin")


class Tags(HTMLParser):
    """Every start tag as (name, attributes), for checks that regexes would get wrong."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def meta(self, prop: str) -> str | None:
        found = self.find("meta", property=prop) or self.find("meta", name=prop)
        return found[0]["content"] if found else None


def test_every_page_has_language_skip_link_main_and_one_stylesheet(built):
    files = html_files(built)
    assert len(files) > 10
    for path in files:
        tags = Tags(path.read_text(encoding="utf-8"))
        where = path.relative_to(built.output)
        lang = where.parts[0] if where.parts[0] in LANGUAGES else "da"
        assert tags.find("html", lang=lang, dir="rtl" if lang in ("ar", "ur") else "ltr"), where
        skip = tags.find("a", href="#indhold")
        assert skip and skip[0]["class"] == "skip", where
        assert tags.find("main", id="indhold"), where
        assert tags.find("link", rel="stylesheet", href=f"{SITEURL}/theme/css/site.css"), where
        assert tags.find(
            "link", rel="alternate", type="application/atom+xml", href=f"{SITEURL}/feeds/nyheder.atom.xml"
        ), where


def main_menu(html: str) -> Tags:
    return Tags(html.split('<nav aria-label="Hovedmenu">', 1)[1].split("</nav>", 1)[0])


def test_menu_marks_where_the_reader_is(built):
    listing = main_menu(built.read("nyheder/index.html"))
    assert [a["href"] for a in listing.find("a", **{"aria-current": "page"})] == [f"{SITEURL}/nyheder/"]
    item = main_menu(built.read("nyheder/2013/nyhed-nummer-3/index.html"))
    assert [a["href"] for a in item.find("a", **{"aria-current": "true"})] == [f"{SITEURL}/nyheder/"]
    front = main_menu(built.read("index.html"))
    assert [a["href"] for a in front.find("a", **{"aria-current": "page"})] == [f"{SITEURL}/"]
    assert [a["href"] for a in front.find("a")] == [
        f"{SITEURL}/{p}"
        for p in ("", "kalender/", "nyheder/", "nyhedsbrev/", "om-helhedsplanen/", "kontakt/", "abonner/")
    ]
    assert not main_menu(built.read("kontakt/index.html")).find("a", **{"aria-current": "true"})


def test_open_graph_tags_preview_a_news_item(built):
    tags = Tags(built.read("nyheder/2013/nyhed-nummer-3/index.html"))
    assert tags.meta("og:title") == "Nyhed nummer 3"
    assert tags.meta("og:description") == "Kort om nyhed 3."
    assert tags.meta("description") == "Kort om nyhed 3."
    assert tags.meta("og:type") == "article"
    assert tags.meta("og:url") == f"{SITEURL}/nyheder/2013/nyhed-nummer-3/"
    assert tags.meta("og:locale") == "da_DK"
    assert tags.meta("og:site_name") == "Rum for Liv"
    assert tags.find("link", rel="canonical", href=f"{SITEURL}/nyheder/2013/nyhed-nummer-3/")


def test_open_graph_url_is_left_out_without_siteurl(site):
    site.write({"content/nyheder/a.md": news(1)})
    site.build()
    tags = Tags(site.read("nyheder/2013/nyhed-nummer-1/index.html"))
    assert tags.meta("og:title") == "Nyhed nummer 1"
    assert tags.meta("og:url") is None  # a relative og:url would be wrong; Facebook uses the address
    assert tags.find("link", rel="stylesheet", href="/theme/css/site.css")


def teaser_titles(html: str) -> list[str]:
    return re.findall(r'<article class="teaser">\s*<h2><a href="[^"]+">([^<]+)</a>', html)


def test_news_are_newest_first_ten_to_a_page_with_danish_page_links(built):
    first = built.read("nyheder/index.html")
    second = built.read("nyheder/side/2/index.html")
    assert teaser_titles(first) == [f"Nyhed nummer {n}" for n in range(12, 2, -1)]
    assert teaser_titles(second) == ["Nyhed nummer 2", "Nyhed nummer 1"]
    assert f'<a href="{SITEURL}/nyheder/side/2/" rel="next">Ældre nyheder →</a>' in first
    assert "Nyere nyheder" not in first
    assert f'<a href="{SITEURL}/nyheder/" rel="prev">← Nyere nyheder</a>' in second
    assert "Side 2 af 2" in second
    assert "<title>Nyheder – side 2 · Rum for Liv</title>" in second


def test_news_show_date_category_estates_and_summary(built):
    listing = built.read("nyheder/index.html")
    assert '<time datetime="2013-01-12">lørdag d. 12. januar 2013</time>' in listing
    assert "Akacieparken, Lukretiavej" in listing
    assert "<p>Kort om nyhed 12.</p>" in listing
    item = built.read("nyheder/2013/nyhed-nummer-12/index.html")
    assert "Image og kommunikation" in item
    assert "Hele teksten om nyhed 12." in item
    assert "fest, børn" in item


def test_category_links_to_its_focus_area_page(built):
    # Nyhed 12 is about a category without a page: plain text, no broken link.
    item = built.read("nyheder/2013/nyhed-nummer-12/index.html")
    assert "/fokus/image-og-kommunikation/" not in item
    activity = built.read("indsatser/familielejr/index.html")
    assert f'<a href="{SITEURL}/fokus/boern-unge-og-familier/">Børn, unge og familier</a>' in activity


def test_front_page_text_feeds_the_front_page_and_is_not_a_page_of_its_own(built):
    assert not (built.output / "forside").exists()
    front = built.read("index.html")
    assert "<h1>Velkommen til Rum for Liv</h1>" in front
    assert "Her er teksten til forsiden." in front
    for link in ("kalender/", "abonner/", "nyhedsbrev/"):
        assert f'<a href="{SITEURL}/{link}">' in front.split('<ul class="actions">', 1)[1].split("</ul>", 1)[0]


def test_front_page_lists_the_next_seven_days_with_cancellations(built):
    front = built.read("index.html")
    week = front.split('id="naeste-7-dage"', 1)[1].split("</section>", 1)[0]
    days = re.findall(r'<h3 class="agenda-day">([^<]+)</h3>', week)
    # Homework café: Monday, Wednesday, Thursday; today (Monday 4 March) is called off.
    assert days == ["mandag d. 4. marts 2013", "onsdag d. 6. marts 2013", "torsdag d. 7. marts 2013"]
    today = week.split("</ul>", 1)[0]
    assert f'<del><a href="{SITEURL}/kalender/lektiecafe/">Lektiecafé for børn og unge</a></del>' in today
    assert "Aflyst" in today
    assert "15:00–17:00" in today
    assert "Aflyst" not in week.split("</ul>", 1)[1]
    assert "Sommerfest" not in week
    latest = front.split('id="seneste-nyt"', 1)[1]
    assert re.findall(r"<h3><a [^>]+>([^<]+)</a>", latest) == [f"Nyhed nummer {n}" for n in range(12, 7, -1)]


def test_activity_page_shows_its_facts(built):
    html = built.read("indsatser/familielejr/index.html")
    box = html.split('<section class="factbox"', 1)[1].split("</section>", 1)[0]
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", box))
    assert facts["For hvem"] == "børn, familier"
    assert facts["Afdeling"] == "Akacieparken"
    assert facts["Samarbejdspartnere"] == "Red Barnet, Sundhedsplejen"
    assert facts["Kontakt"] == "Familiekoordinatoren, tlf. 12 34 56 78"
    assert "Børn, unge og familier" in facts["Fokusområde"]
    assert '<div class="lead"><p>En uge på lejr om sommeren.</p></div>' in html
    # A plain page has no fact box.
    assert "factbox" not in built.read("kontakt/index.html")


def test_focus_page_lists_the_activities_of_its_area_in_order(built):
    html = built.read("fokus/boern-unge-og-familier/index.html")
    listing = html.split('id="indsatser"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', listing) == [
        (f"{SITEURL}/indsatser/familieklub/", "Familieklub"),
        (f"{SITEURL}/indsatser/familielejr/", "Familielejr"),
    ]
    assert "Jobcentret" not in html


def test_404_page_works_from_any_address(built):
    html = built.read("404.html")
    tags = Tags(html)
    assert "<h1>Siden findes ikke</h1>" in html
    assert tags.meta("robots") == "noindex"
    # Served for any missing address, so every link and asset is absolute.
    for name, attrs in tags.tags:
        for key in ("href", "src"):
            value = attrs.get(key, "")
            assert not value or value.startswith(("/", "#", "http", "data:")), (name, value)


def test_sitemap_lists_every_written_page_once_sorted_and_absolute(built):
    sitemap = built.read("sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    written = sorted(page_url(p.relative_to(built.output)) for p in html_files(built) if p.name != "404.html")
    assert locs == [f"{SITEURL}/{url}" for url in written]
    for expected in (
        "",
        "nyheder/",
        "nyheder/side/2/",
        "nyheder/2013/nyhed-nummer-1/",
        "kontakt/",
        "indsatser/familielejr/",
        "fokus/boern-unge-og-familier/",
        "kalender/lektiecafe/",
    ):
        assert f"{SITEURL}/{expected}" in locs
    assert f"{SITEURL}/404.html" not in locs
    assert f"{SITEURL}/forside/" not in locs
    assert not any("/kladder/" in loc for loc in locs)


def test_drafts_are_not_in_the_sitemap(site):
    draft = news(2).replace("Summary:", "Status: draft\n        Summary:")
    site.write({"content/nyheder/a.md": news(1), "content/nyheder/b.md": draft})
    site.build()
    assert (site.output / "kladder/nyheder/nyhed-nummer-2/index.html").is_file()
    sitemap = site.read("sitemap.xml")
    assert "nyhed-nummer-1" in sitemap and "nyhed-nummer-2" not in sitemap


ASSET_TAGS = {
    "link": "href",
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
}


def test_no_script_and_no_asset_from_another_host(built):
    for path in html_files(built):
        tags = Tags(path.read_text(encoding="utf-8"))
        assert not tags.find("script"), path
        for name, attr in ASSET_TAGS.items():
            for attrs in tags.find(name):
                url = attrs.get(attr, "")
                if name == "link" and attrs.get("rel") in ("canonical", "alternate"):
                    continue  # addresses of this page, not things the browser fetches
                assert url.startswith(("/", f"{SITEURL}/", "data:")) and "//" not in url.removeprefix(SITEURL), (
                    path,
                    url,
                )
    css = (built.output / "theme/css/site.css").read_text(encoding="utf-8")
    assert "@import" not in css
    source = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in css and len(css) < 0.8 * len(source)  # phones get it without comments
    assert [face["file"] for face in font_faces(css)] == [face["file"] for face in font_faces(source)]
    assert css.count("unicode-range:") == source.count("unicode-range:")
    assert re.findall(r"url\(([^)]+)\)", css)
    for url in re.findall(r"url\(([^)]+)\)", css):
        assert url.strip("\"'").startswith("../fonts/"), url
        assert (built.output / "theme/css" / url.strip("\"'")).resolve().is_file(), url


def font_faces(css: str) -> list[dict]:
    faces = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", css):
        face = dict(re.findall(r"([a-z-]+)\s*:\s*([^;]+);", block))
        face["file"] = re.search(r'url\("\.\./fonts/([^"]+)"\)', block).group(1)
        faces.append(face)
    return faces


def in_range(char: str, ranges: str) -> bool:
    for part in ranges.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        if int(first, 16) <= ord(char) <= int(last or first, 16):
            return True
    return False


def test_web_fonts_cover_the_sites_languages_and_arabic_is_never_fetched_for_danish():
    css = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    faces = font_faces(css)
    assert {f["file"] for f in faces} == {p.name for p in (ROOT / "theme/static/fonts").glob("*.woff2")}
    latin = "Rum for Liv: æøå ÆØÅ é ü ğ ş ı İ ç – “” € 0123456789"
    arabic = "العربية اردو ی ے ں"
    for face in faces:
        cmap = TTFont(ROOT / "theme/static/fonts" / face["file"]).getBestCmap()
        text = arabic if "Arabic" in face["font-family"] or "Urdu" in face["font-family"] else latin
        missing = [c for c in text if not c.isspace() and ord(c) not in cmap]
        assert not missing, (face["file"], missing)
        assert all(in_range(c, face["unicode-range"]) for c in text if not c.isspace())
        if text is arabic:
            # No Danish letter falls in an Arabic face's range, so Danish pages never load it.
            assert not any(in_range(c, face["unicode-range"]) for c in latin), face["file"]


def test_two_builds_of_the_theme_are_byte_identical(tmp_path):
    outputs = []
    for name in ("a", "b"):
        site = TinySite(tmp_path / name)
        site.write({k: v for k, v in FILES.items() if "kalender" not in k})
        site.build()
        outputs.append(
            {
                p.relative_to(site.output): p.read_bytes()
                for p in site.output.rglob("*")
                if p.is_file() and p.suffix in (".html", ".xml", ".css")
            }
        )
    assert outputs[0] == outputs[1]


def test_footer_shows_the_contact_and_organisation_from_the_settings(site):
    site.write({"content/nyheder/a.md": news(1)})
    site.build(
        CONTACT={"name": "Sekretariatet", "address": "Ruten 2, 2700 Brønshøj", "phone": "tlf. 11 22 33 44"},
        ORGANISATION="fsb",
    )
    footer = site.read("index.html").split('<footer class="site-footer">', 1)[1]
    assert "<strong>Sekretariatet</strong>" in footer
    assert footer.index("Ruten 2, 2700 Brønshøj") < footer.index("tlf. 11 22 33 44")
    assert "en boligsocial helhedsplan i fsb." in footer
    assert "Carl Th. Dreyersvej" not in footer
