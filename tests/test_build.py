"""The foundation: a tiny site builds, strictly, and atomically."""

import textwrap

import pytest

from rumforliv.build.run import BuildFailed

from conftest import HOMEWORK, NEWS


def test_tiny_site_builds_news_and_event_pages(site):
    site.write({"content/nyheder/fastelavn.md": NEWS, "content/kalender/lektiecafe.md": HOMEWORK})
    site.build()
    article = site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")
    assert "Fastelavn i Akacieparken" in article
    assert "mandag d. 11. februar 2013" in article
    assert "Lektiecafé for børn og unge" in site.read("kalender/lektiecafe/index.html")


def test_the_date_field_dates_a_news_item_not_its_file_name(site):
    """Editors name files <date>-<slug>.md to see them in order; a copied file keeps its old name."""
    site.write({"content/nyheder/2012-06-01-fastelavn.md": NEWS})
    site.build()
    article = site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")
    assert "mandag d. 11. februar 2013" in article and "2012" not in article


def test_unknown_estate_stops_build_and_names_file_line_and_key(site):
    site.write({"content/nyheder/a.md": NEWS.replace("Estate: Akacieparken", "Estate: Akaciparken")})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    message = str(failure.value)
    assert "content/nyheder/a.md:4: Estate:" in message
    assert 'Mente du "Akacieparken"?' in message


def test_failed_build_leaves_previous_output_untouched(site):
    site.write({"content/nyheder/a.md": NEWS})
    site.build()
    before = site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")
    site.write({"content/nyheder/b.md": NEWS.replace("Title: Fastelavn", "Titel: Fastelavn")})
    with pytest.raises(BuildFailed):
        site.build()
    assert site.read("nyheder/2013/fastelavn-i-akacieparken/index.html") == before
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".output")) == []


def test_slugs_transliterate_danish_letters(site):
    site.write(
        {"content/nyheder/a.md": NEWS.replace("Title: Fastelavn i Akacieparken", "Title: Børn på skøjter i Ålholm")}
    )
    site.build()
    assert (site.output / "nyheder/2013/boern-paa-skoejter-i-aalholm/index.html").is_file()


def test_raw_html_in_markdown_is_shown_as_text_not_run(site):
    site.write(
        {"content/nyheder/a.md": textwrap.dedent(NEWS) + "\n<script>alert(1)</script>\n\n[klik](javascript:alert(2))\n"}
    )
    site.build()
    html = site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html


def test_news_dated_after_today_waits_as_a_draft(site):
    later = NEWS.replace("Date: 2013-02-11 10:00", "Date: 2013-03-20 10:00").replace("Fastelavn i", "Påske i")
    site.write({"content/nyheder/a.md": NEWS, "content/nyheder/b.md": later})
    site.build(today="2013-03-04")
    assert "Påske i Akacieparken" not in site.read("nyheder/index.html")
    assert not (site.output / "nyheder/2013/paaske-i-akacieparken").exists()
    assert (site.output / "kladder/nyheder/paaske-i-akacieparken/index.html").is_file()
    site.build(today="2013-03-20")
    assert "Påske i Akacieparken" in site.read("nyheder/index.html")
    assert (site.output / "nyheder/2013/paaske-i-akacieparken/index.html").is_file()
