"""End to end in Chromium: a board member logs in to /admin/ served by `invoke redaktion`, writes a news
item with a picture and its Arabic translation, adds a weekly activity, cancels one of its dates, adds an
all-day activity, edits a newsletter section and publishes each (review: draft -> ready -> published);
then the check passes, the news is on the site in Danish and Arabic, the cancelled date is in the feed,
the all-day activity is whole days and the section is in the newsletter's PDF."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from PIL import Image
from test_redaktion import checkout, free_port, start, wait_for_config  # noqa: F401  (checkout is a fixture)

from conftest import ROOT

E2E = ROOT / "tests" / "admin" / "e2e.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Where a maintainer may ask the test to leave its screenshots (the guide's pictures are made so).
SHOTS = os.environ.get("RUMFORLIV_SCREENSHOTS")


def need_browser():
    if not Path(CHROMIUM).is_file() or not (ROOT / "node_modules" / "playwright-core").is_dir():
        pytest.skip("chromium or playwright-core is not installed (scripts/setup.sh)")


def test_a_board_member_edits_and_publishes_in_the_browser(checkout, tmp_path):  # noqa: F811
    need_browser()
    shots = Path(SHOTS) if SHOTS else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    # The coming newsletter, as the IT volunteer started it; and a photo on the board member's laptop.
    shutil.copytree(ROOT / "docs" / "eksempler" / "newsletter" / "2013-2", checkout / "newsletter" / "2013-2")
    subprocess.run(["git", "add", "-A"], cwd=checkout, check=True)
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "2013-2"],
        cwd=checkout,
        check=True,
    )
    picture = checkout / "cache" / "strik.jpg"  # cache/ is not in git
    picture.parent.mkdir(exist_ok=True)
    Image.new("RGB", (64, 48), (200, 120, 60)).save(picture)
    preview, cms = free_port(), free_port()
    editing = start(checkout, "--port", str(preview), "--cms-port", str(cms))
    driven = None
    try:
        if wait_for_config(preview, cms):
            driven = subprocess.run(
                ["node", str(E2E), f"http://127.0.0.1:{preview}", str(shots), str(picture)],
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=400,
            )
    finally:
        os.killpg(editing.pid, signal.SIGINT)
        said = editing.communicate(timeout=30)[0]
    assert driven, f"`invoke redaktion` did not start:\n{said}"
    report = json.loads(driven.stdout or "{}")
    assert report.get("ok"), (report.get("failure") or driven.stderr) + (
        checkout / "cache" / "decap-server.log"
    ).read_text(encoding="utf-8")
    # Decap 3.16.3's right-hand column calls a handler it was not given after its language is switched
    # (EditorControlPane.handleLocaleChange): the switch works, the error is Decap's own.
    assert [e for e in report["errors"] if e != "this.props.onLocaleChange is not a function"] == []
    assert {"Nyheder", "Aktiviteter", "Sider", "Nyhedsbreve", "Nyhedsbreve: afsnit"} <= set(report["collections"])
    assert len(report["screens"]) == 14 and all(Path(p).stat().st_size > 5000 for p in report["screens"])

    # Published: merged into main, in the project's format.
    branches = subprocess.run(["git", "branch"], cwd=checkout, capture_output=True, text=True).stdout.split()
    assert [b for b in branches if b.startswith("cms/")] == []  # every draft was published
    news = (checkout / "content" / "nyheder" / "2013-03-01-strikkeklubben-er-startet.md").read_text(encoding="utf-8")
    assert news.startswith("Title: Strikkeklubben er startet\nDate: 2013-03-01 10:00\n")
    event = (checkout / "content" / "kalender" / "strikkeklub.md").read_text(encoding="utf-8")
    assert "Repeat: FREQ=WEEKLY;BYDAY=TU;UNTIL=20130625\n" in event and "Cancelled: 2013-03-12\n" in event
    assert "Image: billeder/strik.jpg\n" in news and "Image-Alt: Fem beboere strikker ved et bord\n" in news
    assert (checkout / "content" / "billeder" / "strik.jpg").read_bytes() == picture.read_bytes()
    # The translation beside the Danish text: the contract's name, Lang and the Danish Slug.
    arabic = (checkout / "content" / "nyheder" / "2013-03-01-strikkeklubben-er-startet.ar.md").read_text(
        encoding="utf-8"
    )
    assert arabic.startswith("Title: نادي الحياكة بدأ\nSlug: strikkeklubben-er-startet\nLang: ar\n")
    assert [p.name for p in checkout.rglob("*.md") if ".da." in p.name] == []
    assert sorted(p.name for p in (checkout / "content" / "nyheder").glob("*.md")) == [
        "2013-02-11-fastelavn.md",
        "2013-03-01-strikkeklubben-er-startet.ar.md",
        "2013-03-01-strikkeklubben-er-startet.md",
    ]  # and no empty file for the languages nobody wrote in
    allday = (checkout / "content" / "kalender" / "loppemarked.md").read_text(encoding="utf-8")
    assert "Start: 2013-05-04\nEnd: 2013-05-05\n" in allday
    section = (checkout / "newsletter" / "2013-2" / "20-bestyrelsen.md").read_text(encoding="utf-8")
    assert section.endswith("Bestyrelsen holder åbent hus den 12. juni kl. 17.\n")

    for task in ("tjek", "byg"):
        result = subprocess.run(
            [sys.executable, "-m", "invoke", task], cwd=checkout, capture_output=True, text=True, encoding="utf-8"
        )
        assert result.returncode == 0, result.stdout + result.stderr
    output = checkout / "output"
    assert "Strikkeklubben er startet" in (
        output / "nyheder" / "2013" / "strikkeklubben-er-startet" / "index.html"
    ).read_text(encoding="utf-8")
    feed = icalendar.Calendar.from_ical((output / "kalender" / "strikkeklub.ics").read_bytes())
    cancelled = [
        e.get("RECURRENCE-ID").dt.date().isoformat()
        for e in feed.walk("VEVENT")
        if e.get("STATUS") == "CANCELLED" and e.get("RECURRENCE-ID")
    ]
    assert cancelled == ["2013-03-12"]
    assert "نادي الحياكة بدأ" in (
        output / "ar" / "nyheder" / "2013" / "strikkeklubben-er-startet" / "index.html"
    ).read_text(encoding="utf-8")
    [market] = icalendar.Calendar.from_ical((output / "kalender" / "loppemarked.ics").read_bytes()).walk("VEVENT")
    assert market.get("DTSTART").params.get("VALUE") == "DATE"
    printed = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(output / "nyhedsbrev" / "2013-2.pdf"), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert "Bestyrelsen holder åbent hus den 12. juni kl. 17." in " ".join(printed.split())
    shutil.rmtree(output)
    print((checkout / "cache" / "decap-server.log").read_text(encoding="utf-8"))
