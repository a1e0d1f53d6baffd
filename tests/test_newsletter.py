"""The newsletter: a tiny site with two issues, printed once, its PDFs read back.

Checks what a print shop, an office copier and a reader would notice: page
sizes and boxes, page count, embedded fonts, the quarter's news and
calendar lines in the text, the booklet's page order, tags and language,
and that the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
import subprocess

import pytest
from pypdf import PdfReader

from rumforliv.build.run import BuildFailed
from rumforliv.newsletter import imposition

from conftest import TinySite

A5 = (419.53, 595.28)  # points
TODAY = "2013-06-15"  # after both issues: news dated later than the build's today are not published yet
BLEED = 8.50  # 3 mm in points

ISSUE_1 = """
    Title: Nyhedsbrev · Forår 2013
    Date: 2013-03-01
    Covers: 2013-03-01 .. 2013-05-31

    Kære beboere. Her er det første nummer.
"""
ISSUE_2 = """
    Title: Nyhedsbrev · Sommer 2013
    Date: 2013-06-01

    Sommeren er her.
"""
SECTION = """
    Title: Nyt fra driften

    Husk at sortere affaldet.
"""


def header(*lines: str, body: str) -> str:
    """A content file from header lines (empty ones dropped) and a body."""
    return "\n".join(line for line in lines if line) + "\n\n" + body + "\n"


def news(title: str, date: str, extra: str = "") -> str:
    return header(
        f"Title: {title}",
        f"Date: {date}",
        "Category: Beboernetværk, inddragelse og demokrati",
        extra,
        body="Der skete noget godt.",
    )


def event(title: str, start: str, end: str, extra: str = "") -> str:
    return header(
        f"Title: {title}",
        f"Start: {start}",
        f"End: {end}",
        extra,
        "Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby",
        "Estate: Akacieparken",
        "Category: Børn, unge og familier",
        body="Kom og vær med.",
    )


FILES = {
    "newsletter/2013-1/index.md": ISSUE_1,
    "newsletter/2013-1/30-driften.md": SECTION,
    "newsletter/2013-2/index.md": ISSUE_2,
    "content/nyheder/vinter.md": news(
        "Vinterfesten blev en succes",
        "2013-01-15 10:00",
        "Image: billeder/fest.png\nImage-Alt: Børn danser i beboerhuset",
    ),
    "content/nyheder/hemmelig.md": news("Kun til hjemmesiden", "2013-02-01 10:00", "Print: no"),
    "content/nyheder/foraar.md": news("Forårets loppemarked", "2013-04-10 10:00"),
    "content/kalender/strik.md": event(
        "Strikkeklubben",
        "2013-01-07 10:00",
        "2013-01-07 12:00",
        "Repeat: FREQ=WEEKLY;BYDAY=MO\nCancelled: 2013-03-11",
    ),
    "content/kalender/loppe.md": event("Loppemarked i gården", "2013-04-20 10:00", "2013-04-20 14:00"),
    "content/kalender/grill.md": event("Grillaften", "2013-05-15 17:00", "2013-05-15 20:00", "Status: cancelled"),
    "content/kalender/sommer.md": event("Sommerfest", "2013-07-06 12:00", "2013-07-06 18:00"),
}


def photo(site: TinySite) -> None:
    """A 3000 px wide photo: far more than 300 ppi at the width of an A5 column."""
    from PIL import Image

    (site.content / "billeder").mkdir(exist_ok=True)
    Image.new("RGB", (3000, 2000), (200, 120, 40)).save(site.content / "billeder" / "fest.png")


class Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.cached = {}

    def emit(self, record):
        if hasattr(record, "cached"):
            self.cached[record.issue] = record.cached


BACK_PAGE = {
    "CONTACT_PHONE": "36 30 01 11",
    "CONTACT_EMAIL": "kontakt@rumforliv.dk",
    "CONTACT_HOURS": "Mandag kl. 10–14",
}


def build_recording(site: TinySite, today: str = TODAY, **overrides) -> dict[str, bool]:
    """Build; return per issue whether its PDFs came from the cache."""
    records = Records()
    logger = logging.getLogger("rumforliv.newsletter")
    logger.setLevel(logging.INFO)
    logger.addHandler(records)
    try:
        site.build(today=today, **overrides)
    finally:
        logger.removeHandler(records)
    return records.cached


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = TinySite(tmp_path_factory.mktemp("newsletter"))
    site.write(FILES)
    photo(site)
    build_recording(site, **BACK_PAGE)
    return site


def pdf(site: TinySite, name: str) -> bytes:
    return (site.output / "nyhedsbrev" / name).read_bytes()


def reader(site: TinySite, name: str) -> PdfReader:
    return PdfReader(io.BytesIO(pdf(site, name)))


def text(site: TinySite, name: str) -> str:
    out = subprocess.run(
        ["pdftotext", str(site.output / "nyhedsbrev" / name), "-"], capture_output=True, encoding="utf-8", check=True
    ).stdout
    return " ".join(out.split())


def size(box) -> tuple[float, float]:
    return float(box.width), float(box.height)


# --- Pages and boxes -----------------------------------------------------------


def test_a5_pdf_has_a5_pages_padded_to_a_multiple_of_four(built):
    for issue in ("2013-1", "2013-2"):
        pages = reader(built, f"{issue}.pdf").pages
        assert len(pages) % 4 == 0 and len(pages) >= 4
        for page in pages:
            assert size(page.mediabox) == pytest.approx(A5, abs=1)


def test_print_shop_pdf_has_3mm_bleed_around_an_a5_trimbox(built):
    for page in reader(built, "2013-1-tryk.pdf").pages:
        media, trim, bleed = page.mediabox, page.trimbox, page.bleedbox
        assert size(media) == pytest.approx((A5[0] + 2 * BLEED, A5[1] + 2 * BLEED), abs=0.1)
        assert size(trim) == pytest.approx(A5, abs=0.1)
        assert float(trim.left) - float(media.left) == pytest.approx(BLEED, abs=0.05)
        assert float(trim.bottom) - float(media.bottom) == pytest.approx(BLEED, abs=0.05)
        assert size(bleed) == size(media)


def test_cover_band_runs_into_the_bleed(built):
    """The dark band is painted up to the bleed's edge: the top-left corner pixel is dark."""
    out = subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            "2",
            "-H",
            "2",
            str(built.output / "nyhedsbrev" / "2013-1-tryk.pdf"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert out[-1] < 128  # PGM: the last byte is a pixel of the corner


def test_all_fonts_are_embedded_and_from_the_theme(built):
    for name in ("2013-1.pdf", "2013-1-tryk.pdf", "2013-1-haefte.pdf"):
        lines = subprocess.run(
            ["pdffonts", str(built.output / "nyhedsbrev" / name)], capture_output=True, encoding="utf-8", check=True
        ).stdout.splitlines()[2:]
        assert lines, name
        for line in lines:
            font, emb = line.split()[0], line.split()[-5]
            assert emb == "yes", line
            assert "Noto" in font, line


# --- What the issue says --------------------------------------------------------


def test_issue_holds_its_quarters_news_and_calendar(built):
    first = text(built, "2013-1.pdf")
    assert "Vinterfesten blev en succes" in first
    assert "Nyt fra driften" in first and "Husk at sortere affaldet." in first
    assert "Hver mandag kl. 10–12" in first and "Strikkeklubben" in first
    assert "Aflyst" in first
    assert "Loppemarked i gården" in first and "Grillaften" in first
    assert "Forår 2013" in first and "Nr. 1 · 2013" in first
    assert "rumforliv.dk/kalender" in first and "rumforliv.dk/abonner" in first
    assert "Kun til hjemmesiden" not in first  # Print: no
    assert "Forårets loppemarked" not in first  # published after this issue
    assert "Sommerfest" not in first  # outside the covered period


def test_next_issue_has_only_news_since_the_previous_one(built):
    second = text(built, "2013-2.pdf")
    assert "Forårets loppemarked" in second
    assert "Vinterfesten blev en succes" not in second
    assert "Sommer 2013" in second and "Nr. 2 · 2013" in second
    assert "Sommerfest" in second  # Covers defaults to the three months from Date


def test_cancelled_lines_are_struck_through_not_only_coloured(built):
    html = built.read("nyhedsbrev/2013-1/index.html")
    assert re.search(r"Aflyst</span>\s*<del>\s*<span class=\"title\">Grillaften", html)


def text_sizes(document: PdfReader) -> dict[float, int]:
    """Letters set at each size (pt), over every page."""
    sizes: dict[float, int] = {}

    def visit(text_, cm, tm, font, font_size):
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        key = round(font_size * scale, 1)
        sizes[key] = sizes.get(key, 0) + len(text_.strip())

    for page in document.pages:
        page.extract_text(visitor_text=visit)
    return {size: count for size, count in sizes.items() if count}


def test_body_text_is_12pt_and_nothing_is_under_10pt(built):
    sizes = text_sizes(reader(built, "2013-1.pdf"))
    body = max(sizes, key=sizes.get)
    assert body >= 12, sizes
    assert min(sizes) >= 10, sizes


def test_calendar_line_has_the_activity_in_bold_and_its_day_and_time_on_a_line_of_their_own(built):
    lines = subprocess.run(
        ["pdftotext", str(built.output / "nyhedsbrev" / "2013-1.pdf"), "-"], capture_output=True, encoding="utf-8"
    ).stdout.splitlines()
    at = lines.index("Strikkeklubben")
    assert lines[at + 1].startswith("Hver mandag kl. 10–12"), lines[at : at + 3]
    assert "Strikkeklubben" not in lines[at + 1]
    fonts = set()

    def visit(text_, cm, tm, font, font_size):
        if "Strikkeklubben" in text_ and font:
            fonts.add(str(font.get("/BaseFont")))

    for page in reader(built, "2013-1.pdf").pages[1:]:
        page.extract_text(visitor_text=visit)
    assert fonts and all("Bold" in font for font in fonts), fonts


def test_cover_leads_with_the_newest_story_and_its_photo(built):
    cover = reader(built, "2013-1.pdf").pages[0]
    assert "Vinterfesten blev en succes" in cover.extract_text()
    assert cover.images, "the lead story's photo is on the cover"


def test_back_page_has_phone_e_mail_opening_hours_and_the_next_issue(built):
    back = text(built, "2013-1.pdf").split("Kontakt")[-1]
    assert "Telefon: 36 30 01 11" in back and "E-mail: kontakt@rumforliv.dk" in back
    assert "Åbent: Mandag kl. 10–14" in back
    assert "Næste nummer udkommer lørdag d. 1. juni 2013" in back  # the next folder's Date
    assert "Næste nummer udkommer søndag d. 1. september 2013" in text(built, "2013-2.pdf")  # three months on


def test_pdf_is_tagged_with_danish_language_and_alt_texts(built):
    document = reader(built, "2013-1.pdf")
    root = document.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "da"
    assert root["/MarkInfo"]["/Marked"]
    found = []

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "get"):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") and depth < 40:
                        walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert any("QR-kode til kalenderen" in alt for alt in found), found
    assert "Børn danser i beboerhuset" in found


def test_photos_are_downsampled_to_300_ppi(built):
    widths = []
    for page in reader(built, "2013-1.pdf").pages:
        for image in page.images:
            widths.append(image.image.width)
    column = (148 - 2 * 14) / 25.4 * 300  # the text column at 300 ppi, in pixels
    assert widths and max(widths) <= column + 1, widths


# --- The booklet -------------------------------------------------------------------


def test_sheet_order_is_saddle_stitch():
    assert imposition.sheet_order(4) == [(4, 1), (2, 3)]
    assert imposition.sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert imposition.sheet_order(12)[:2] == [(12, 1), (2, 11)]
    with pytest.raises(ValueError):
        imposition.sheet_order(6)


def halves(path, sheet: int) -> tuple[str, str]:
    """The text on the left and on the right half of a booklet sheet (poppler crops at 72 dpi)."""

    def crop(x: int) -> str:
        return " ".join(
            subprocess.run(
                [
                    "pdftotext",
                    "-f",
                    str(sheet),
                    "-l",
                    str(sheet),
                    "-r",
                    "72",
                    "-x",
                    str(x),
                    "-y",
                    "0",
                    "-W",
                    "421",
                    "-H",
                    "596",
                    str(path),
                    "-",
                ],
                capture_output=True,
                encoding="utf-8",
                check=True,
            ).stdout.split()
        )

    return crop(0), crop(421)


def test_booklet_places_eight_numbered_pages_in_saddle_stitch_order(tmp_path):
    import datetime as dt

    import weasyprint

    html = "".join(f'<p style="break-after: page">Side {n}</p>' for n in range(1, 9))
    css = weasyprint.CSS(string="@page { size: A5; bleed: 3mm; background: #ccc }")
    numbered = weasyprint.HTML(string=html).write_pdf(stylesheets=[css])
    path = tmp_path / "booklet.pdf"
    path.write_bytes(imposition.impose(numbered, "Test", dt.date(2013, 3, 1)))
    sides = []
    for number, sheet in enumerate(PdfReader(path).pages, start=1):
        assert size(sheet.mediabox) == pytest.approx((841.89, 595.28), abs=1)
        left, right = halves(path, number)
        assert left.startswith("Side") and right.startswith("Side")
        sides.append((int(left.split()[-1]), int(right.split()[-1])))
    assert sides == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_a5_is_the_print_pdf_cut_to_its_trimbox_with_the_same_pages(built):
    tryk, a5 = reader(built, "2013-1-tryk.pdf"), reader(built, "2013-1.pdf")
    assert len(a5.pages) == len(tryk.pages)
    for cut, full in zip(a5.pages, tryk.pages):
        assert [float(v) for v in cut.mediabox] == pytest.approx([float(v) for v in full.trimbox], abs=0.01)
        assert "/BleedBox" not in cut and "/TrimBox" not in cut
        assert cut.get_contents().get_data() == full.get_contents().get_data()
        assert cut.extract_text() == full.extract_text()
    assert a5.trailer["/Root"]["/StructTreeRoot"]["/K"] is not None  # the tags are the print PDF's


def test_printing_sets_python_gc_back_as_it_was():
    import gc

    from rumforliv.newsletter import issues as newsletter

    assert gc.isenabled()
    with pytest.raises(RuntimeError), newsletter.lighter_gc():
        assert gc.get_freeze_count() > 0 and not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_pool_hands_out_the_largest_issue_first():
    from rumforliv.newsletter import issues as newsletter

    todo = [("a", "x" * 10, "k"), ("b", "x" * 30, "k"), ("c", "x" * 20, "k"), ("d", "x" * 30, "k")]
    assert newsletter.largest_first(todo) == [1, 3, 2, 0]


def test_issue_booklet_has_back_cover_left_of_front_cover(built):
    a5_pages = len(reader(built, "2013-1.pdf").pages)
    booklet = reader(built, "2013-1-haefte.pdf")
    assert len(booklet.pages) == a5_pages // 2
    sheet = booklet.pages[0]
    assert size(sheet.mediabox) == pytest.approx((841.89, 595.28), abs=1)
    left, right = halves(built.output / "nyhedsbrev" / "2013-1-haefte.pdf", 1)
    assert "rumforliv.dk/kalender" in left and "I dette nummer" in right  # back cover | front cover
    assert "I dette nummer" not in left and "rumforliv.dk/kalender" not in right


# --- Web pages ---------------------------------------------------------------------


def test_archive_lists_issues_newest_first_with_three_pdfs(built):
    archive = built.read("nyhedsbrev/index.html")
    assert archive.index("Sommer 2013") < archive.index("Forår 2013")
    for name in ("2013-1.pdf", "2013-1-tryk.pdf", "2013-1-haefte.pdf"):
        assert f"/nyhedsbrev/{name}" in archive
    assert "kopimaskinen" in archive and "trykkeriet" in archive
    page = built.read("nyhedsbrev/2013-1/index.html")
    assert "Vinterfesten blev en succes" in page and "Strikkeklubben" in page


# --- Reproducible and cached -------------------------------------------------------------


def test_same_content_gives_identical_pdfs_and_unchanged_issues_come_from_cache(built, tmp_path):
    again = TinySite(tmp_path / "again")
    again.write(FILES)
    photo(again)
    cached = build_recording(again, **BACK_PAGE)  # its own, empty cache
    assert cached == {"2013-1": False, "2013-2": False}
    for name in ("2013-1.pdf", "2013-1-tryk.pdf", "2013-1-haefte.pdf", "2013-2.pdf"):
        assert pdf(again, name) == pdf(built, name), name
    again.write({"newsletter/2013-2/index.md": ISSUE_2.replace("Sommeren er her.", "Sommeren er her nu.")})
    cached = build_recording(again, **BACK_PAGE)
    assert cached == {"2013-1": True, "2013-2": False}
    assert pdf(again, "2013-1.pdf") == pdf(built, "2013-1.pdf")
    assert "Sommeren er her nu." in text(again, "2013-2.pdf")
    shelf = again.root / "cache" / "newsletter" / "2013-2"
    entries = sorted(path.name for path in shelf.iterdir())
    assert len(entries) == 2 and "pages" in entries  # the latest version only, and its page count
    entry = next(path for path in shelf.iterdir() if path.name != "pages")
    entry.write_bytes(entry.read_bytes()[:1000])  # damaged: printed again, not trusted
    assert build_recording(again, **BACK_PAGE) == {"2013-1": True, "2013-2": False}
    assert "Sommeren er her nu." in text(again, "2013-2.pdf")


def test_letter_missing_from_the_fonts_stops_the_build(tmp_path, monkeypatch):
    from rumforliv.content import gate

    monkeypatch.setattr(
        gate, "font_problems", lambda entry, settings: []
    )  # tjek would stop it first; here the PDF must
    site = TinySite(tmp_path)
    site.write(
        {
            "newsletter/2013-1/index.md": ISSUE_1 + "\n    Et tegn uden skrift: \ue000.\n",
        }
    )
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "newsletter/2013-1/index.md" in str(failure.value)
    assert "tomme firkanter" in str(failure.value)  # WeasyPrint's .notdef warning, made an error


def test_issue_folder_must_be_named_year_and_number(tmp_path):
    site = TinySite(tmp_path)
    site.write({"newsletter/forår/index.md": ISSUE_1})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "newsletter/forår" in str(failure.value) and '"2013-1"' in str(failure.value)


def test_period_beyond_the_site_calendar_is_expanded_by_the_same_function():
    """An issue may cover months the site's calendar window does not reach."""
    import datetime as dt
    from types import SimpleNamespace

    from rumforliv.calendar.recurrence import build_schedule
    from rumforliv.newsletter.issues import build_calendar, occurrences_between

    values = {
        "start": dt.datetime(2013, 1, 7, 10),
        "end": dt.datetime(2013, 1, 7, 12),
        "repeat": {"FREQ": "WEEKLY", "BYDAY": "MO"},
        "cancelled": [dt.date(2015, 3, 9)],
    }
    event = SimpleNamespace(
        slug="strik", title="Strikkeklubben", location="Beboerhuset, 2500 Valby", schedule=build_schedule(values, {})
    )
    context = {"events": [event], "occurrences": [], "calendar_window": (dt.date(2013, 1, 1), dt.date(2014, 3, 31))}
    found = occurrences_between(context, dt.date(2015, 3, 1), dt.date(2015, 3, 31))
    assert [occ.day.day for occ in found] == [2, 9, 16, 23, 30]
    calendar = build_calendar(found, dt.date(2015, 3, 1), dt.date(2015, 3, 31))
    [line] = calendar.regular
    assert line.place == "Beboerhuset" and [occ.day.day for occ in line.changes] == [9]
    assert calendar.months == []


def test_the_same_missing_letter_stops_every_build_of_a_session(tmp_path, monkeypatch):
    """Pelican's loggers swallow repeated warnings; WeasyPrint's .notdef warning must still stop a second build."""
    from rumforliv.content import gate

    monkeypatch.setattr(
        gate, "font_problems", lambda entry, settings: []
    )  # tjek would stop it first; here the PDF must
    for attempt in ("first", "second"):
        site = TinySite(tmp_path / attempt)
        site.write({"newsletter/2013-1/index.md": ISSUE_1 + "\n    Et tegn uden skrift: \ue001.\n"})
        with pytest.raises(BuildFailed) as failure:
            site.build()
        assert "tomme firkanter" in str(failure.value), attempt


# --- The plan's own issues, as residents and the print shop get them ------------------------

PLAN_ISSUE = "2013-1"  # a section in Arabic and Urdu; an edition in every language of the plan
EDITIONS = ("en", "tr", "so", "ar", "ur")
PLAN_PDFS = ("nyhedsbrev/2013-1", *(f"{lang}/nyhedsbrev/2013-1" for lang in EDITIONS))
TYPE_AREA_MM = (14, 14, 14, 16)  # left, top, right, bottom margins of a text page (theme/print)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The plan's content and its first issue, built as on a day after it."""
    import shutil

    from conftest import ROOT

    site = TinySite(tmp_path_factory.mktemp("plan"))
    shutil.copytree(ROOT / "newsletter" / PLAN_ISSUE, site.root / "newsletter" / PLAN_ISSUE)
    site.build(today="2014-01-15", PATH=str(ROOT / "content"), NEWSLETTER_LANGUAGES=None)  # the plan's: all
    return site


def rendered(site: TinySite, name: str, dpi: int, tmp_path, pages: tuple[int, int] | None = None) -> list:
    """The PDF's pages as greyscale images (poppler)."""
    from PIL import Image

    first_last = ["-f", str(pages[0]), "-l", str(pages[1])] if pages else []
    stem = tmp_path / name.replace("/", "_")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", *first_last, str(site.output / name), str(stem)], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob(f"{stem.name}-*.pgm"))]


def filled(page, dpi: int) -> float:
    """How much of the type area's height lies between the first and the last ink on the page."""
    px = [round(mm / 25.4 * dpi) for mm in TYPE_AREA_MM]
    area = page.crop((px[0], px[1], page.width - px[2], page.height - px[3]))
    width, height = area.size
    pixels = area.load()
    inked = [y for y in range(height) if any(pixels[x, y] < 128 for x in range(0, width, 2))]
    return (inked[-1] - inked[0] + 1) / height if inked else 0.0


def test_no_page_of_any_edition_is_less_than_40_percent_filled(plan, tmp_path):
    for name in PLAN_PDFS:
        pages = rendered(plan, f"{name}.pdf", 30, tmp_path)
        assert len(pages) % 4 == 0
        shares = [round(filled(page, 30), 2) for page in pages[:-1]]  # the back cover aside
        assert min(shares) >= 0.4, (name, shares)


def plain_text(site: TinySite, name: str, *options: str) -> str:
    out = subprocess.run(["pdftotext", *options, str(site.output / name), "-"], capture_output=True, encoding="utf-8")
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", " ", out.stdout)  # poppler's direction marks


def test_no_word_is_hyphenated_at_the_end_of_a_line(plan):
    for name in PLAN_PDFS[:1]:
        lines = plain_text(plan, f"{name}.pdf").splitlines()
        broken = [f"{a} / {b}" for a, b in zip(lines, lines[1:]) if re.search(r"\w-$", a) and b[:1].islower()]
        assert broken == [], broken


def test_print_file_is_pdf_x4_with_a_cmyk_output_intent_and_black_text_on_the_black_plate(plan):
    from pypdf.generic import ContentStream

    tryk = PdfReader(plan.output / "nyhedsbrev/2013-1-tryk.pdf")
    root = tryk.trailer["/Root"]
    [intent] = [item.get_object() for item in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX" and intent["/DestOutputProfile"].get_object()["/N"] == 4
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4<" in root["/Metadata"].get_object().get_data()
    assert "/StructTreeRoot" in root  # still tagged
    colours = set()
    for page in tryk.pages[1:-1]:
        fill = None
        for operands, operator in ContentStream(page.get_contents(), tryk).operations:
            if operator in (b"k", b"rg", b"g", b"sc", b"scn"):
                fill = (operator, tuple(round(float(value), 3) for value in operands))
            elif operator in (b"Tj", b"TJ"):
                colours.add(fill)
    assert colours == {(b"scn", (0.0, 0.0, 0.0, 1.0))}, colours  # 100 % K, no C, M or Y under the text
    reading = PdfReader(plan.output / "nyhedsbrev/2013-1.pdf")
    assert b"pdfuaid:part" in reading.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert reading.metadata.title.endswith("Forår 2013")


def test_every_font_subset_has_a_name_of_its_own(plan):
    for name in PLAN_PDFS:
        document = PdfReader(plan.output / f"{name}-tryk.pdf")
        names: dict[str, set] = {}
        for page in document.pages:
            for font in page.get("/Resources", {}).get("/Font", {}).values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                names.setdefault(str(font["/BaseFont"]), set()).add(descriptor.raw_get("/FontFile2").idnum)
        assert all(len(files) == 1 for files in names.values()), names


def decoded(image) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Each QR code zbar finds on a page image: its text and bounding box."""
    from pyzbar import pyzbar

    return [
        (
            found.data.decode(),
            (found.rect.left, found.rect.top, found.rect.left + found.rect.width, found.rect.top + found.rect.height),
        )
        for found in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]


def forwards_to(site: TinySite, url: str) -> str:
    """Where the page at a printed short address sends the reader (its meta refresh), from the site's root."""
    path = url.removeprefix("https://rumforliv.dk/")
    page = site.read(f"{path}index.html")
    return re.search(r'http-equiv="refresh" content="0; url=/([^"]*)"', page).group(1)


def test_qr_codes_carry_the_issues_short_addresses_which_forward_and_are_counted(plan, tmp_path):
    from rumforliv.report.readership import count_visits

    expected = {}  # the short address each code carries -> the page it must lead to
    for prefix, lang in (("", "da"), *((f"{lang}/", lang) for lang in EDITIONS)):
        expected.update({f"{prefix}n/2013-1/{page}/": f"{prefix}{page}/" for page in ("kalender", "abonner")})
        others = [other for other in ("da", *EDITIONS) if other != lang]
        expected.update({f"{prefix}n/2013-1/{other}/": "" if other == "da" else f"{other}/" for other in others})
    found = set()
    for name in ("nyhedsbrev/2013-1.pdf", "en/nyhedsbrev/2013-1.pdf", "ur/nyhedsbrev/2013-1.pdf"):
        count = len(PdfReader(plan.output / name).pages)
        for page in rendered(plan, name, 150, tmp_path, (count - 2, count)):  # the pages with codes
            found.update(url for url, _ in decoded(page))
    shown = {url.removeprefix("https://rumforliv.dk/") for url in found}
    assert shown <= set(expected), sorted(shown - set(expected))
    assert {f"{prefix}n/2013-1/{page}/" for prefix in ("", "en/", "ur/") for page in ("kalender", "abonner")} <= shown
    assert len(shown) > 6  # and a page of the other languages' codes (an issue keeps it when it has room)
    for url in found:
        short = url.removeprefix("https://rumforliv.dk/")
        assert forwards_to(plan, url) == expected[short], url
        assert (plan.output / expected[short] / "index.html").is_file(), url  # the page forwarded to exists
    for short in expected:  # the other editions' codes too (not decoded: the same template)
        assert forwards_to(plan, short) == expected[short], short
    log = tmp_path / "access.log"
    log.write_text(
        "".join(
            f'10.0.0.{n} - - [02/Mar/2013:10:00:00 +0100] "GET /{short} HTTP/1.1" 200 512\n'
            for n, short in enumerate(sorted(expected))
        )
    )
    assert count_visits(log, 2013).visits == {"2013-1": len(expected)}  # every address counts for the issue


def test_qr_codes_decode_and_keep_a_quiet_zone_of_four_modules(plan, tmp_path):
    import segno

    count = len(PdfReader(plan.output / "ur/nyhedsbrev/2013-1.pdf").pages)
    pages = rendered(plan, "ur/nyhedsbrev/2013-1.pdf", 200, tmp_path, (count - 3, count))  # the codes' pages
    codes = [code for page in pages for code in [(page, *found) for found in decoded(page)]]
    urls = {url for _, url, _ in codes}
    assert {"https://rumforliv.dk/ur/n/2013-1/kalender/", "https://rumforliv.dk/ur/n/2013-1/abonner/"} <= urls
    assert {"https://rumforliv.dk/ur/n/2013-1/da/", "https://rumforliv.dk/ur/n/2013-1/ar/"} <= urls  # other languages
    for page, url, (left, top, right, bottom) in codes:
        module = (right - left) / segno.make(url, error="m", micro=False).symbol_size(border=0)[0]
        quiet = round(4 * module) - 2  # the last pixels may be grey at the code's edge
        margin = page.crop((left - quiet, top - quiet, right + quiet, bottom + quiet)).load()
        width, height = right - left + 2 * quiet, bottom - top + 2 * quiet
        ring = [(x, y) for x in range(width) for y in (0, 1, height - 2, height - 1)]
        ring += [(x, y) for y in range(height) for x in (0, 1, width - 2, width - 1)]
        assert all(margin[x, y] > 200 for x, y in ring), url


def test_right_to_left_editions_are_bound_on_the_right(plan):
    for kind in ("", "-tryk", "-haefte"):
        document = PdfReader(plan.output / f"ar/nyhedsbrev/2013-1{kind}.pdf")
        assert document.trailer["/Root"]["/ViewerPreferences"]["/Direction"] == "/R2L", kind
        if kind != "-haefte":  # PDF/UA: the title, not the file name, in the window (WeasyPrint's, kept)
            assert document.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"], kind
    assert "/ViewerPreferences" not in PdfReader(plan.output / "nyhedsbrev/2013-1.pdf").trailer["/Root"] or (
        PdfReader(plan.output / "nyhedsbrev/2013-1.pdf").trailer["/Root"]["/ViewerPreferences"].get("/Direction")
        != "/R2L"
    )
    left, right = halves(plan.output / "ar/nyhedsbrev/2013-1-haefte.pdf", 1)
    assert "Rum for Liv" in left and "rumforliv.dk" not in left  # the front cover on the left
    assert "rumforliv.dk/ar/kalender" in right  # back cover on the right of the first side


def without_marks(text: str) -> str:
    """Arabic script without its vowel marks and punctuation, which a PDF may keep as separate glyphs."""
    return re.sub("[\u060c\u061b\u061f\u06d4]", " ", re.sub("[\u064b-\u065f\u0670\u200c\u200d]", "", text))


def test_arabic_and_urdu_text_extracts_as_written(plan):
    from conftest import ROOT

    for lang in ("ar", "ur"):
        source = (ROOT / f"newsletter/2013-1/30-driften.{lang}.md").read_text(encoding="utf-8")
        body = source.split("\n\n", 1)[1]
        words = set(re.findall(r"[\u0600-\u06ff]+", without_marks(body)))
        extracted = plain_text(plan, f"{lang}/nyhedsbrev/2013-1.pdf")
        extracted = set(re.findall(r"[\u0600-\u06ff]+", without_marks(extracted)))
        missing = words - extracted
        # Nastaliq gave back almost no word whole; Naskh all but one ('حيّك.' comes out as 'حيّ ك.').
        assert len(missing) <= len(words) // 50, (lang, sorted(missing))


def test_editions_say_their_season_dates_and_fixed_text_in_their_language(plan):
    arabic = plain_text(plan, "ar/nyhedsbrev/2013-1.pdf")
    assert "الربيع" in arabic and "Forår" not in arabic  # poppler puts the year on either side
    assert "مارس" in arabic and "marts" not in arabic.lower()
    urdu = plain_text(plan, "ur/nyhedsbrev/2013-1.pdf")
    assert "بہار" in urdu and "Forår" not in urdu
    danish = plain_text(plan, "nyhedsbrev/2013-1.pdf")
    assert "Forår 2013" in danish


def pdf_pages(site: TinySite, name: str) -> list[str]:
    """The text of each page (pdftotext separates pages by a form feed)."""
    return plain_text(site, name).split("\f")


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_language_has_an_edition_in_its_own_words(plan, lang):
    from babel.dates import format_date

    from rumforliv.newsletter.issues import SEASONS
    from rumforliv.site.i18n import translate

    for kind in ("", "-tryk", "-haefte"):
        assert (plan.output / f"{lang}/nyhedsbrev/2013-1{kind}.pdf").is_file()
    assert PdfReader(plan.output / f"{lang}/nyhedsbrev/2013-1.pdf").trailer["/Root"]["/Lang"] == lang
    text = " ".join(plain_text(plan, f"{lang}/nyhedsbrev/2013-1.pdf").split())
    words = set(without_marks(text).split())  # poppler may give right-to-left words in another order

    def printed(phrase: str) -> bool:
        return phrase in text or set(without_marks(phrase).split()) <= words

    season, welcome = translate(lang, SEASONS[3]), translate(lang, "Velkommen")
    assert season != "Forår" and printed(season) and "Forår 2013" not in text  # the Danish texts may say "Foråret"
    assert welcome != "Velkommen" and printed(welcome)
    for fixed in ("Udkommer", "Kalender ", "Næste nummer", "Faste aktiviteter"):  # the Danish fixed texts
        assert fixed not in text, fixed
    month = format_date(dt.date(2013, 3, 1), "MMMM", locale=lang)
    assert month != "marts" and printed(month)
    if lang not in ("ar", "ur"):  # poppler puts a number on either side of right-to-left words
        assert f"{season} 2013" in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_news_item_only_in_danish_is_summarised_in_the_editions_language(plan, lang):
    from rumforliv.site.i18n import translate

    page = plan.read(f"{lang}/nyhedsbrev/2013-1/index.html")
    news = page.split('id="nyheder"', 1)[1].split("</section>", 1)[0]
    untranslated = re.findall(r'<a href="[^"]*/nyheder/(\d{4}/[^"/]+)/" lang="da"[^>]*>([^<]+)</a>', news)
    danish = [slug for slug, _ in untranslated]
    assert danish and len(danish) < len(re.findall("<li>", news))  # some are translated, some not
    note, where = (
        translate(lang, "Denne nyhed findes kun på dansk."),
        translate(lang, "Den danske tekst står på side %(side)s."),
    )
    assert note != "Denne nyhed findes kun på dansk."
    pages = [" ".join(text.split()) for text in pdf_pages(plan, f"{lang}/nyhedsbrev/2013-1.pdf")]
    shown = note.rstrip(".۔")  # poppler puts a right-to-left sentence's full stop at its start
    boxes = [(number, text) for number, text in enumerate(pages, 1) for _ in range(text.count(shown))]
    assert len(boxes) == len(danish), (len(boxes), danish)
    whole = " ".join(pages)
    for slug in danish:  # the item's page on the site in the edition's language, which exists
        assert f"rumforliv.dk/{lang}/nyheder/{slug}" in whole.replace(" ", "")
        assert (plan.output / lang / "nyheder" / slug / "index.html").is_file()
    if lang == "en":  # the page each box names holds the Danish text: the box's page or the next
        for number, text in boxes:
            named = re.findall(re.escape(where.split("%(side)s")[0].strip()) + r" (\d+)", text)
            assert named and all(number <= int(n) <= number + 1 for n in named), (number, named)
    from conftest import ROOT

    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "content/nyheder").glob("*.md")]
    for _, title in untranslated:  # the Danish text itself is kept after its summary
        [source] = [text for text in sources if text.startswith(f"Title: {html.unescape(title)}\n")]
        body = source.split("\n\n", 1)[1]
        words = re.findall(r"[A-Za-zÆØÅæøå]{5,}", body)[:6]
        assert words and all(word in whole for word in words), (slug, words)


def fonts_of_digits(site: TinySite, name: str) -> dict[str, set[str]]:
    """The fonts the PDF draws digits in: font name -> the runs of digits drawn in it."""
    found: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        for digits in re.findall(r"\d+", text or ""):
            found.setdefault(str((font or {}).get("/BaseFont", "")), set()).add(digits)

    for page in PdfReader(site.output / name).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_digits_in_arabic_and_urdu_editions_are_set_in_the_latin_font(plan):
    for lang in ("ar", "ur"):
        fonts = fonts_of_digits(plan, f"{lang}/nyhedsbrev/2013-1.pdf")
        assert fonts and all("NotoSans" in name.replace("-", "") and "Naskh" not in name for name in fonts), fonts


def languages_in_structure(reader: PdfReader) -> dict[str, int]:
    """How many elements of the PDF's structure tree say which language they are in (/Lang), by language."""
    found: dict[str, int] = {}
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if "/Lang" in node and node.get("/Type") == "/StructElem":
            found[str(node["/Lang"])] = found.get(str(node["/Lang"]), 0) + 1
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        todo.extend(kid for kid in (kids if isinstance(kids, list) else [kids]) if hasattr(kid, "get_object"))
    return found


def test_danish_passages_are_tagged_as_danish_in_the_editions(plan):
    for lang in ("ar", "en"):
        for kind in ("", "-tryk"):
            reader = PdfReader(plan.output / f"{lang}/nyhedsbrev/2013-1{kind}.pdf")
            assert reader.trailer["/Root"]["/Lang"] == lang
            assert languages_in_structure(reader).get("da", 0) > 5, (lang, kind)  # sections, news, titles
    danish = languages_in_structure(PdfReader(plan.output / "nyhedsbrev/2013-1.pdf"))
    assert set(danish) <= {"da", *EDITIONS}, danish  # the languages page's lines, each in its language
