"""Stairwell posters: read back the PDFs the build prints (page, fonts, QR code, the month's dates)."""

from __future__ import annotations

import math
import subprocess

import pytest
from pypdf import PdfReader

from rumforliv.editor.commands import EditorError, build_posters, pick_month

from conftest import HOMEWORK, ROOT, TinySite

A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)

ONE_OFF = """
    Title: Sommerfest i gården
    Start: 2013-03-14 17:00
    End: 2013-03-14 19:30
    Location: Gården, Akacieparken
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati

    Grill og musik.
"""

CALLED_OFF = """
    Title: Loppemarked
    Start: 2013-03-21 10:00
    End: 2013-03-21 13:00
    Repeat: FREQ=WEEKLY;BYDAY=TH;UNTIL=20130404
    Cancelled: 2013-03-21
    Moved: 2013-03-28 -> 2013-03-29 11:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati

    Byt og køb.
"""


BINGO = """
    Title: Banko
    Start: 2013-03-27 19:00
    Status: cancelled
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Akacieparken
    Category: Beboernetværk, inddragelse og demokrati

    Banko med præmier.
"""


def words(reader: PdfReader) -> list[tuple[float, str, str]]:
    """(size in points, font name, text) of every piece of text on the first page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            found.append((round(size * scale, 1), str(font.get("/BaseFont", "")), text.strip()))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout


def qr_in(path, tmp_path) -> list[str]:
    """The QR codes zbar reads from the page printed in greyscale, as an office copier would."""
    image = tmp_path / "grey"
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", "100", "-singlefile", str(path), str(image)], check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", f"{image}.png"], capture_output=True, text=True)
    return found.stdout.split()


@pytest.fixture(scope="module")
def posters(tmp_path_factory):
    """Built once for the module's tests (a poster takes WeasyPrint a second)."""
    site = TinySite(tmp_path_factory.mktemp("posters"))
    site.write(
        {
            "content/kalender/sommerfest.md": ONE_OFF,
            "content/kalender/loppe.md": CALLED_OFF,
            "content/kalender/banko.md": BINGO,
        }
    )
    return site.build(POSTER_MONTHS=2)


def test_a_poster_per_estate_for_this_and_next_month_on_one_a4_page(posters):
    for name in ("2013-03-akacieparken", "2013-04-akacieparken"):
        reader = PdfReader(posters / "opslag" / f"{name}.pdf")
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=0.5) and float(box.height) == pytest.approx(A4[1], abs=0.5)
    assert not (posters / "opslag" / "2013-03-lukretiavej.pdf").exists()  # nothing happens there: no poster


def test_nothing_under_16_points_and_the_times_in_bold(posters):
    found = words(PdfReader(posters / "opslag" / "2013-03-akacieparken.pdf"))
    assert min(size for size, _, _ in found) >= 16
    times = [(font, text) for _, font, text in found if " kl. " in text]
    assert times and all("Bold" in font for font, _ in times)


def test_the_qr_code_reads_in_greyscale_and_leads_to_the_estates_calendar_page(posters, tmp_path):
    assert qr_in(posters / "opslag" / "2013-03-akacieparken.pdf", tmp_path) == [
        "https://rumforliv.dk/kalender/afdeling/akacieparken/"
    ]
    assert (posters / "kalender" / "afdeling" / "akacieparken" / "index.html").is_file()


def test_the_months_dates_with_cancelled_and_moved_ones_marked(posters):
    text = " ".join(pdf_text(posters / "opslag" / "2013-03-akacieparken.pdf").split())
    assert "Torsdag d. 14. marts kl. 17–19.30" in text and "Sommerfest i gården" in text
    assert "AFLYST Torsdag d. 21. marts kl. 10–13" in text
    assert "AFLYST Onsdag d. 27. marts kl. 19–21 Banko" in text  # the whole event called off
    assert "Flyttet fra torsdag d. 28. marts" in text and "Fredag d. 29. marts kl. 11–14" in text
    april = pdf_text(posters / "opslag" / "2013-04-akacieparken.pdf")
    assert "Torsdag d. 4. april" in april and "Sommerfest" not in april


def test_a_full_month_says_the_weekly_activities_in_words(site):
    site.write({"content/kalender/lektiecafe.md": HOMEWORK, "content/kalender/sommerfest.md": ONE_OFF})
    output = site.build(POSTER_MONTHS=1)
    text = " ".join(pdf_text(output / "opslag" / "2013-03-akacieparken.pdf").split())
    assert "Hver mandag, onsdag og torsdag kl. 15–17" in text  # 13 dates in March: one line in words
    assert "Aflyst mandag d. 4. marts" in text
    assert "Torsdag d. 14. marts kl. 17–19.30" in text  # the one-off event keeps its date
    assert "Onsdag d. 6. marts" not in text


def test_a_month_too_full_even_in_words_keeps_one_page_and_points_to_the_website(site):
    one_offs = {
        f"content/kalender/fest-{day}.md": ONE_OFF.replace("Sommerfest i gården", f"Fest nummer {day}").replace(
            "2013-03-14", f"2013-03-{day:02d}"
        )
        for day in range(1, 21)
    }
    output = site.write(one_offs).build(POSTER_MONTHS=1)
    reader = PdfReader(output / "opslag" / "2013-03-akacieparken.pdf")
    text = " ".join(pdf_text(output / "opslag" / "2013-03-akacieparken.pdf").split())
    assert len(reader.pages) == 1
    assert "Fest nummer 1 " in text and "Fest nummer 20" not in text
    shown = [day for day in range(1, 21) if f"Fest nummer {day} " in text]
    assert shown == list(range(1, len(shown) + 1)) and len(shown) >= 6  # as many as the page holds, in order
    assert "Flere aktiviteter: scan koden eller se hjemmesiden." in text


def test_one_line_in_each_other_language(posters):
    text = pdf_text(posters / "opslag" / "2013-03-akacieparken.pdf")
    for line in ("This month's activities", "Bu ayın etkinlikleri", "Hawlaha bishan", "أنشطة هذا الشهر"):
        assert line in text


def test_the_site_links_the_posters(posters):
    page = (posters / "opslag" / "index.html").read_text(encoding="utf-8")
    assert 'href="/opslag/2013-03-akacieparken.pdf"' in page
    assert 'href="/opslag/2013-04-akacieparken.pdf"' in page
    assert 'href="/opslag/"' in (posters / "kalender" / "index.html").read_text(encoding="utf-8")


def test_invoke_opslag_makes_a_month_in_a3(site):
    site.write({"content/kalender/sommerfest.md": ONE_OFF})
    made = build_posters(ROOT / "pelicanconf.py", "2013-3", "akacie", a3=True, say=lambda _: None, **site.overrides())
    assert [path.name for path in made] == ["2013-03-akacieparken-a3.pdf"]
    reader = PdfReader(made[0])
    box = reader.pages[0].mediabox
    assert len(reader.pages) == 1
    assert float(box.width) == pytest.approx(A3[0], abs=0.5) and float(box.height) == pytest.approx(A3[1], abs=0.5)
    assert min(size for size, _, _ in words(reader)) >= 16 * 1.41


def test_a_month_the_command_cannot_read_is_refused_in_danish(site):
    with pytest.raises(EditorError) as refused:
        pick_month("juni", site.settings())
    assert str(refused.value) == '--maaned "juni" forstås ikke. Skriv år og måned, fx --maaned 2013-06.'
    assert pick_month("2013-6", site.settings()) == "2013-06"
    assert pick_month(None, site.settings()) == "2013-03"  # the build's today
