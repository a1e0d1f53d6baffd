"""The success report: its figures against a small access log the test writes, and the short addresses."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from rumforliv.build.logs import BuildFailed
from rumforliv.editor.commands import EditorError, build_report

from conftest import NEWS, ROOT

ISSUES = {
    "newsletter/2013-1/index.md": "Title: Nyhedsbrev · Forår 2013\nDate: 2013-03-01\n\nVelkommen.\n",
    "newsletter/2013-2/index.md": "Title: Nyhedsbrev · Sommer 2013\nDate: 2013-06-01\n\nGod sommer.\n",
}

COVERED = NEWS.replace(
    "Tags: fest, børn", "Tags: fest, børn\n    Coverage: https://valbybladet.dk/fastelavn-i-akacieparken"
)

LOG = """\
10.0.0.1 - - [02/Mar/2013:10:00:00 +0100] "GET /n/2013-1/ HTTP/1.1" 200 512
10.0.0.2 - - [02/Mar/2013:10:05:00 +0100] "GET /n/2013-1/ HTTP/1.1" 200 512 "-" "Mozilla/5.0"
10.0.0.3 - - [03/Mar/2013:11:00:00 +0100] "GET /n/2013-1/?utm=qr HTTP/1.1" 200 512
10.0.0.4 - - [04/Mar/2013:12:00:00 +0100] "GET /n/2013-1/ HTTP/1.1" 404 100
10.0.0.5 - - [04/Jun/2013:12:00:00 +0200] "GET /n/2013-2/ HTTP/1.1" 200 512
10.0.0.6 - - [04/Jun/2013:12:00:00 +0200] "GET /nyhedsbrev/2013-2/ HTTP/1.1" 200 9000
10.0.0.7 - - [04/Jan/2014:12:00:00 +0100] "GET /n/2013-2/ HTTP/1.1" 200 512
this line is not a log line
"""


def report(site, log=None, year=2013):
    return build_report(ROOT / "pelicanconf.py", year, log, say=lambda _: None, **site.overrides())


def text_of(pdf) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, encoding="utf-8", check=True)
    return " ".join(out.stdout.split())


@pytest.fixture
def content(site):
    site.write({**ISSUES, "content/nyheder/fastelavn.md": COVERED})
    return site


def test_visits_per_issue_from_the_log_and_the_years_figures(content, tmp_path):
    log = tmp_path / "adgangslog"
    log.write_text(LOG, encoding="utf-8")
    html_path, pdf = report(content, log)
    html = " ".join(html_path.read_text(encoding="utf-8").split())
    rows = dict(re.findall(r"<tr><td>(\d{4}-\d) · [^<]*</td><td>(\d+)</td>", html))
    assert rows == {"2013-1": "3", "2013-2": "1"}  # a 404, another page, another year and a bad line not counted
    assert "<strong>2</strong> udgivet i 2013. Mål: 10." in html  # two issues, no posters (no events)
    assert "<strong>1</strong> i 2013. Mål: 5." in html
    assert "https://valbybladet.dk/fastelavn-i-akacieparken" in html
    assert "1 linjer i loggen kunne ikke læses" in html
    assert "<svg" in html and "10.0.0." not in html
    assert len(PdfReader(pdf).pages) >= 1
    text = text_of(pdf)
    assert "Succeskriterier 2013" in text and "Mål: 233 besøg (50 % af 466 husstande)" in text


def test_without_a_log_the_report_says_what_it_cannot_count(content):
    html_path, pdf = report(content)
    html = html_path.read_text(encoding="utf-8")
    assert "Kan ikke tælles: rapporten fik ingen adgangslog." in html
    assert "Kan ikke tælles" in text_of(pdf)


def test_the_same_log_gives_the_same_pdf(content, tmp_path):
    log = tmp_path / "adgangslog"
    log.write_text(LOG, encoding="utf-8")
    first = report(content, log)[1].read_bytes()
    assert report(content, log)[1].read_bytes() == first


def test_each_issue_has_a_short_address_that_forwards(content):
    output = content.build()
    page = (output / "n" / "2013-2" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/nyhedsbrev/2013-2/">' in page
    assert (output / "nyhedsbrev" / "2013-2" / "index.html").is_file()
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/nyhedsbrev/2013-2/" in sitemap and "/n/2013-2/" not in sitemap  # search engines get the page itself


def test_a_year_or_log_the_command_cannot_use_is_refused_in_danish(content, tmp_path):
    with pytest.raises(EditorError, match='--aar "to tusind" forstås ikke'):
        report(content, year="to tusind")
    with pytest.raises(EditorError, match="Adgangsloggen .* findes ikke"):
        report(content, tmp_path / "mangler.log")


def test_coverage_must_be_a_web_address(site):
    site.write(
        {
            "content/nyheder/fastelavn.md": NEWS.replace(
                "Tags: fest, børn", "Tags: fest, børn\n    Coverage: Valby Bladet"
            )
        }
    )
    with pytest.raises(BuildFailed) as stopped:
        site.build()
    assert str(stopped.value) == (
        'content/nyheder/fastelavn.md:6: Coverage: Skriv hele adressen, fx "https://valbybladet.dk/...", '
        'ikke "Valby Bladet".'
    )
