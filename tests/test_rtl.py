"""Every page type in every language: valid HTML, axe-core, and right-to-left pages that render cleanly.

One tiny site with a news item, an activity and a page translated into all
five languages is built once. The W3C Nu checker reads its files; headless
Chromium reads them from a local server: axe-core (tests/browser/axe.mjs) and
the layout checks for Arabic and Urdu (tests/browser/rtl.mjs), which also
leave screenshots in the test's temporary folder.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from test_i18n import translation
from test_newsletter import ISSUE_1 as ISSUE

from rumforliv.site import i18n, languages

from conftest import HOMEWORK, NEWS, ROOT, TinySite, served

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "tests/browser/axe.mjs"
RTL = ROOT / "tests/browser/rtl.mjs"
LANGUAGES = ["da", "en", "tr", "so", "ar", "ur"]
RIGHT_TO_LEFT = {"ar": "Noto Naskh Arabic", "ur": "Noto Nastaliq Urdu"}

# (title, body) per language: short, plain sentences, as the real translations.
WORDS = {
    "en": ("Homework café", "Volunteers help with homework. Bring your books.", "Contact", "Come by the office."),
    "tr": ("Ödev kafesi", "Gönüllüler ödevlere yardım eder. Kitaplarınızı getirin.", "İletişim", "Ofise uğrayın."),
    "so": (
        "Kafeega casharrada",
        "Tabarucayaal ayaa ka caawiya casharrada. Keen buugaagtaada.",
        "La xiriir",
        "Kaalay xafiiska.",
    ),
    "ar": (
        "مقهى الواجبات المدرسية",
        "يساعد متطوعون في الواجبات المدرسية. أحضر كتبك.",
        "التواصل",
        "تفضّل إلى المكتب في Carl Th. Dreyersvej 248، هاتف 36 30 01 11.",
    ),
    "ur": (
        "ہوم ورک کیفے",
        "رضاکار ہوم ورک میں مدد دیتے ہیں۔ اپنی کتابیں ساتھ لائیں۔",
        "رابطہ",
        "Carl Th. Dreyersvej 248 پر دفتر میں آئیں، فون 36 30 01 11۔",
    ),
}
NEWS_WITH_SLUG = NEWS.replace("Tags: fest, børn", "Tags: fest, børn\n    Slug: fastelavn")
CONTACT = """
    Title: Kontakt
    Slug: kontakt
    Summary: Her finder du os.

    Kom forbi sekretariatet på Carl Th. Dreyersvej 248, tlf. 36 30 01 11.
"""
FRONT = """
    Title: Velkommen til Rum for Liv
    Slug: forside

    Her er teksten til forsiden.
"""
PAGE_TYPES = ["", "kalender/", "abonner/", "kalender/lektiecafe/", "nyheder/2013/fastelavn/", "kontakt/"]


def files() -> dict[str, str]:
    found = {
        "content/kalender/lektiecafe.md": HOMEWORK,
        "content/nyheder/fastelavn.md": NEWS_WITH_SLUG,
        "content/sider/kontakt.md": CONTACT,
        "content/sider/forside.md": FRONT,
    }
    for lang, (title, body, page_title, page_body) in WORDS.items():
        found[f"content/kalender/lektiecafe.{lang}.md"] = translation(HOMEWORK, lang, title, body)
        found[f"content/nyheder/fastelavn.{lang}.md"] = translation(NEWS_WITH_SLUG, lang, title, body)
        found[f"content/sider/kontakt.{lang}.md"] = translation(CONTACT, lang, page_title, page_body)
        found[f"content/sider/forside.{lang}.md"] = translation(FRONT, lang, title, body)
    return found


def url(lang: str, page_type: str) -> str:
    return f"/{page_type}" if lang == "da" else f"/{lang}/{page_type}"


def needs(*tools: str) -> None:
    present = {
        "java": shutil.which("java") is not None and VNU.is_file(),
        "chromium": Path("/usr/bin/chromium").is_file()
        and shutil.which("node") is not None
        and (ROOT / "node_modules/playwright-core").is_dir(),
    }
    missing = [tool for tool in tools if not present[tool]]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (scripts/setup.sh installs them)")


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory) -> TinySite:
    site = TinySite(tmp_path_factory.mktemp("languages"))
    site.write(files())
    site.build()
    return site


@pytest.fixture(scope="module")
def server(multilingual):
    with served(multilingual.output) as url:
        yield url


def run_node(script: Path, *args: str) -> dict:
    result = subprocess.run(["node", str(script), *args], capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def layout(multilingual, server, tmp_path_factory) -> dict:
    needs("chromium")
    shots = tmp_path_factory.mktemp("screenshots")
    paths = [url(lang, page_type) for lang in RIGHT_TO_LEFT for page_type in PAGE_TYPES]
    return run_node(RTL, server, str(shots), *paths)


# --- Every language ------------------------------------------------------------------


def test_every_page_type_exists_in_every_language(multilingual):
    for lang in LANGUAGES:
        for page_type in PAGE_TYPES:
            page = multilingual.read(url(lang, page_type).lstrip("/") + "index.html")
            assert f'<html lang="{lang}" dir="{"rtl" if lang in RIGHT_TO_LEFT else "ltr"}">' in page


def test_nu_html_checker_accepts_every_page_in_every_language(multilingual):
    needs("java")
    pages = [multilingual.output / (url(lang, t).lstrip("/") + "index.html") for lang in LANGUAGES for t in PAGE_TYPES]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [f"{m['url'].split('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in report["messages"]]
    assert errors == []


def test_axe_finds_nothing_serious_in_any_language(multilingual, server):
    """Danish pages are checked by test_accessibility.py; here every other language."""
    needs("chromium")
    paths = [url(lang, page_type) for lang in LANGUAGES[1:] for page_type in PAGE_TYPES]
    report = run_node(AXE, server, *paths)
    problems = [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} – {', '.join(v['nodes'])}"
        for path in paths
        for v in report[path]["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []
    assert all(report[path]["status"] == 200 for path in paths)
    assert report["*foreign requests*"] == []


# --- Right to left ---------------------------------------------------------------------


def test_arabic_and_urdu_pages_are_right_to_left_in_their_own_fonts(layout):
    for path, widths in layout.items():
        lang = path.split("/")[1]
        for width, page in widths.items():
            assert (page["status"], page["dir"], page["direction"]) == (200, "rtl", "rtl"), (path, width)
            assert RIGHT_TO_LEFT[lang] in page["fonts"], (path, page["fonts"])
            assert "Noto Sans" not in page["fonts"]  # Latin letters in the phone's font: no second web font


def test_urdu_nastaliq_has_room_between_lines(layout):
    for path, widths in layout.items():
        if path.startswith("/ur/"):
            assert widths["390"]["lineHeight"] >= 2.1, path


def test_right_to_left_layout_is_mirrored(layout):
    """The page's heading starts at main's right-hand edge, as the text does."""
    gaps = {path: page["headingGap"] for path, widths in layout.items() for page in widths.values()}
    assert all(gap is not None and abs(gap) <= 2 for gap in gaps.values()), gaps


def test_right_to_left_text_is_neither_clipped_nor_overlapping_nor_too_wide(layout):
    problems = [
        f"{path} @{width}px {kind}: {found}"
        for path, widths in layout.items()
        for width, page in widths.items()
        for kind in ("wide", "clipped", "overlaps")
        for found in page[kind]
    ]
    assert problems == []


def test_layout_check_does_find_clipped_and_overlapping_text(multilingual, server, tmp_path):
    """The checks above can fail: a page built to break them is caught."""
    needs("chromium")
    broken = multilingual.output / "broken" / "index.html"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text(
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>x</title></head><body><main>'
        '<h1 style="margin-inline-start:3rem">عنوان</h1>'
        '<p style="width:5rem;white-space:nowrap;overflow:hidden">نص طويل جدًا لا يتسع في هذا الصندوق الصغير</p>'
        '<div style="height:1rem">أ</div><div style="margin-top:-2rem">ب</div>'
        '<div style="width:900px">عريض</div></main></body></html>',
        encoding="utf-8",
    )
    page = run_node(RTL, server, str(tmp_path), "/broken/")["/broken/"]["390"]
    assert page["clipped"] and page["overlaps"] and page["wide"]
    assert page["headingGap"] > 2


# --- Newsletter editions ---------------------------------------------------------------

SECTION = """
    Title: Nyt fra driften

    Husk at sortere affaldet. Ring på tlf. 36 30 01 11.
"""
SECTION_UR = """
    Title: مینٹیننس کی طرف سے خبریں
    Lang: ur

    اپنا کوڑا الگ الگ کریں۔ فون 36 30 01 11 پر کال کریں۔ بہار آ رہی ہے۔ ہم راستے جتنی جلدی ہو سکے صاف کرتے ہیں۔
"""
BOARD = """
    Title: Nyt fra bestyrelsen

    Tak til alle, der kom til fastelavn.
"""


@pytest.fixture(scope="module")
def newsletter_site(tmp_path_factory) -> TinySite:
    site = TinySite(tmp_path_factory.mktemp("editions"))
    site.write(
        {
            "content/kalender/lektiecafe.md": HOMEWORK,
            "content/kalender/lektiecafe.ur.md": translation(HOMEWORK, "ur", *WORDS["ur"][:2]),
            "newsletter/2013-1/index.md": ISSUE,
            "newsletter/2013-1/20-bestyrelsen.md": BOARD,
            "newsletter/2013-1/30-driften.md": SECTION,
            "newsletter/2013-1/30-driften.ur.md": SECTION_UR,
        }
    )
    notdef = NotdefLog()
    logging.getLogger("weasyprint").addHandler(notdef)
    try:
        site.build()  # newsletter.py also stops the build on a .notdef glyph
    finally:
        logging.getLogger("weasyprint").removeHandler(notdef)
    site.notdef = notdef.messages
    return site


class NotdefLog(logging.Handler):
    """WeasyPrint's warning for a letter no font has: it would print as an empty box."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        if ".notdef" in record.getMessage():
            self.messages.append(record.getMessage())


def test_translated_section_makes_an_edition_of_its_own(newsletter_site):
    from pypdf import PdfReader

    for name in ("2013-1.pdf", "2013-1-tryk.pdf", "2013-1-haefte.pdf"):
        assert (newsletter_site.output / "ur/nyhedsbrev" / name).is_file()
    urdu = PdfReader(newsletter_site.output / "ur/nyhedsbrev/2013-1.pdf")
    assert urdu.trailer["/Root"]["/Lang"] == "ur"
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in urdu.pages
        for font in page.get("/Resources", {}).get("/Font", {}).values()
    }
    assert any("Naskh" in font for font in fonts), (
        fonts
    )  # Urdu in Naskh in print: its text extracts (Nastaliq's does not)
    assert newsletter_site.notdef == []  # every Urdu letter had a glyph
    assert not (newsletter_site.output / "en/nyhedsbrev/2013-1.pdf").exists()  # NEWSLETTER_LANGUAGES []: none asked
    danish = PdfReader(newsletter_site.output / "nyhedsbrev/2013-1.pdf")
    assert danish.trailer["/Root"]["/Lang"] == "da"
    assert "مینٹیننس" not in newsletter_site.read("nyhedsbrev/2013-1/index.html")  # Danish issue: Danish sections


def test_edition_is_right_to_left_and_marks_its_danish_parts(newsletter_site):
    page = newsletter_site.read("ur/nyhedsbrev/2013-1/index.html")
    assert '<html lang="ur" dir="rtl">' in page
    assert 'lang="ur" dir="rtl">\n<h2>مینٹیننس کی طرف سے خبریں</h2>' in page
    board = page.split("<h2>Nyt fra bestyrelsen</h2>", 1)
    assert len(board) == 2 and 'lang="da" dir="ltr">' in board[0][-80:]
    note = i18n.translate("ur", languages.FALLBACK_NOTE)
    assert note != languages.FALLBACK_NOTE and note in board[1][:300]
    assert WORDS["ur"][0] in page  # the calendar shows the activity's Urdu title
