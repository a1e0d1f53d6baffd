"""Every page type passes the W3C Nu HTML checker and axe-core, and fits a 320 px screen.

A tiny site with every kind of page is built once; the checker reads the
files, and headless Chromium (tests/browser/axe.mjs) reads them from a local
server, so nothing is fetched from another host.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from PIL import Image
from test_theme import FILES, LANGUAGES

from conftest import ROOT, TinySite, served

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "tests/browser/axe.mjs"
CHROMIUM = Path("/usr/bin/chromium")
BLOCKING = ("serious", "critical")


def missing_tools(*needs: str) -> list[str]:
    checks = {
        "java": shutil.which("java") is not None,
        "vnu-jar": VNU.is_file(),
        "node": shutil.which("node") is not None,
        "chromium": CHROMIUM.is_file(),
        "axe-core": (ROOT / "node_modules/axe-core/axe.min.js").is_file(),
        "playwright-core": (ROOT / "node_modules/playwright-core").is_dir(),
    }
    return [name for name in needs if not checks[name]]


def skip_without(*needs: str) -> None:
    missing = missing_tools(*needs)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (scripts/setup.sh installs them)")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> TinySite:
    """Every page type: front page, news list (two pages), news item with a picture, plain
    page, activity page, focus page, 404, a newsletter issue, and all the calendar and
    language pages the build makes."""
    site = TinySite(tmp_path_factory.mktemp("a11y"))
    site.write(BUSY_DAY)
    site.write(
        {
            **FILES,
            "content/nyheder/01.md": FILES["content/nyheder/01.md"].replace(
                "Tags: fest, børn",
                "Tags: fest, børn\n        Image: billeder/fest.png\n        Image-Alt: Børn ved festen",
            ),
        }
    )
    (site.content / "billeder").mkdir()
    Image.new("RGB", (40, 30), "orange").save(site.content / "billeder/fest.png")
    site.write(
        {
            "newsletter/2013-1/index.md": """
            Title: Nyhedsbrev · Forår 2013
            Date: 2013-03-01

            Kære beboere.
        """,
            "newsletter/2013-1/20-bestyrelsen.md": """
            Title: Nyt fra bestyrelsen

            Vi holder møde i april.
        """,
        }
    )
    site.build()
    return site


# Four meetings besides the homework café on Wednesday 9 January, in the first month grid
# (which the browser checks): the grid shows three and links to the day's own page.
BUSY_DAY = {
    f"content/kalender/moede-{n}.md": f"""
    Title: Møde {n}
    Start: 2013-01-09 {9 + n}:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Lukretiavej
    Category: Beboernetværk, inddragelse og demokrati
    Slug: moede-{n}

    Et møde.
"""
    for n in range(1, 5)
}


def pages(site: TinySite) -> list[str]:
    """Site paths ('/nyheder/') of every HTML file the build wrote, but those that forward at once (/n/2013-1/):
    the browser would leave them before a check ends, and the page they forward to is checked."""
    paths = []
    for path in sorted(site.output.rglob("*.html")):
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8"):
            continue
        relative = path.relative_to(site.output).as_posix()
        if relative.startswith("admin/"):
            continue  # Decap CMS's own interface for the editors (tests/test_admin*.py), not a page of the site
        paths.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return paths


def page_types(paths: list[str]) -> list[str]:
    """Every page, except that of a folder of siblings (news items, month grids,
    filters, activities) only the first and the last are taken.

    Siblings share one template and differ only in text, so two of each keep
    every page type (and language) checked while the browser run stays short.
    The site's and each language's top-level pages are all different: all taken.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[path.rstrip("/").rpartition("/")[0]].append(path)
    chosen = set()
    for folder, members in groups.items():
        top_level = folder.strip("/") in ("", *LANGUAGES)
        chosen.update(members if top_level or len(members) <= 2 else {members[0], members[-1]})
    return sorted(chosen)


def test_the_tiny_site_has_every_page_type(built):
    paths = pages(built)
    for expected in (
        "/",
        "/404.html",
        "/nyheder/",
        "/nyheder/side/2/",
        "/nyheder/2013/nyhed-nummer-3/",
        "/kontakt/",
        "/indsatser/familielejr/",
        "/fokus/boern-unge-og-familier/",
        "/kalender/",
        "/kalender/lektiecafe/",
        "/nyhedsbrev/",
        "/nyhedsbrev/2013-1/",
        "/kalender/2013/01/",
        "/kalender/2013/01/dage/",
    ):
        assert expected in paths
    assert 'alt="Børn ved festen"' in built.read("nyheder/2013/nyhed-nummer-1/index.html")
    assert "/nyheder/2013/nyhed-nummer-1/" in page_types(paths)  # the browser sees the picture
    assert {"/kalender/2013/01/", "/kalender/2013/01/dage/"} <= set(page_types(paths))  # grid, day by day
    assert 'href="dage/#9">+2 flere' in built.read("kalender/2013/01/index.html")


@pytest.fixture(scope="module")
def server(built):
    with served(built.output) as url:
        yield url


def checked_files(site: TinySite) -> list[Path]:
    return sorted(site.output.rglob("*.html")) + sorted((site.output / "theme/css").glob("*.css"))


@pytest.fixture(scope="module")
def reports(built, server) -> dict:
    """Runs the Nu checker (Java) and the browser (Node) side by side; None where a tool is missing."""
    vnu = None
    if not missing_tools("java", "vnu-jar"):
        vnu = subprocess.Popen(
            [
                "java",
                "-jar",
                str(VNU),
                "--errors-only",
                "--format",
                "json",
                "--also-check-css",
                *map(str, checked_files(built)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    browser = None
    if not missing_tools("node", "chromium", "axe-core", "playwright-core"):
        result = subprocess.run(
            ["node", str(AXE), server, *page_types(pages(built))], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        browser = json.loads(result.stdout)
    nu = None
    if vnu is not None:
        out, err = vnu.communicate(timeout=600)
        nu = json.loads(err or out)  # the checker writes its report to stderr
    return {"nu": nu, "browser": browser}


@pytest.fixture(scope="module")
def browser_report(reports):
    if reports["browser"] is None:
        skip_without("node", "chromium", "axe-core", "playwright-core")
    return reports["browser"]


def test_w3c_nu_checker_finds_no_errors(built, reports):
    if reports["nu"] is None:
        skip_without("java", "vnu-jar")
    errors = [
        f"{m['url'].split('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in reports["nu"]["messages"]
    ]
    assert errors == []
    assert len(checked_files(built)) > 20


def test_axe_finds_no_serious_or_critical_violations(browser_report):
    problems = [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} – {', '.join(v['nodes'])}"
        for path, result in browser_report.items()
        if not path.startswith("*")
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    assert problems == []
    checked = [path for path in browser_report if not path.startswith("*")]
    assert {"/", "/404.html", "/nyheder/", "/indsatser/familieklub/", "/ar/", "/nyheder/2013/nyhed-nummer-1/"} <= set(
        checked
    )
    assert all(browser_report[path]["status"] == 200 for path in checked)


def test_no_page_scrolls_sideways_at_320_px(browser_report):
    wide = {
        path: r["scrollWidth320"]
        for path, r in browser_report.items()
        if not path.startswith("*") and r["scrollWidth320"] > 320
    }
    assert wide == {}


def test_pages_ask_no_other_host_for_anything(browser_report):
    assert browser_report["*foreign requests*"] == []


def test_pages_fetch_only_the_fonts_their_language_needs(browser_report):
    fonts = {path: r["fonts"] for path, r in browser_report.items() if not path.startswith("*")}
    assert "/theme/fonts/noto-sans-latin-400.woff2" in fonts["/"]
    for path, files in fonts.items():
        lang = path.strip("/").split("/")[0]
        arabic_script = [f for f in files if "arabic" in f or "urdu" in f]
        if lang not in ("ar", "ur"):
            assert arabic_script == [], path
    assert any("naskh-arabic" in f for f in fonts["/ar/"])
    assert any("nastaliq-urdu" in f for f in fonts["/ur/"])
