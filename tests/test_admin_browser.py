"""End to end in Chromium: a board member logs in to /admin/ served by `invoke redaktion`, writes a news
item, adds a weekly activity, cancels one of its dates and publishes each (review: draft -> ready ->
published); then the check passes, the news is on the site and the cancelled date is in the feed."""

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
    preview, cms = free_port(), free_port()
    editing = start(checkout, "--port", str(preview), "--cms-port", str(cms))
    try:
        assert wait_for_config(preview, cms)
        driven = subprocess.run(
            ["node", str(E2E), f"http://127.0.0.1:{preview}", str(shots)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=400,
        )
    finally:
        os.killpg(editing.pid, signal.SIGINT)
        editing.communicate(timeout=30)
    report = json.loads(driven.stdout or "{}")
    assert report.get("ok"), (report.get("failure") or driven.stderr) + (
        checkout / "cache" / "decap-server.log"
    ).read_text()
    assert report["errors"] == []
    assert {"Nyheder", "Aktiviteter", "Sider", "Nyhedsbreve", "Nyhedsbreve: afsnit"} <= set(report["collections"])
    assert len(report["screens"]) == 10 and all(Path(p).stat().st_size > 5000 for p in report["screens"])

    # Published: merged into main, in the project's format.
    branches = subprocess.run(["git", "branch"], cwd=checkout, capture_output=True, text=True).stdout.split()
    assert [b for b in branches if b.startswith("cms/")] == []  # every draft was published
    news = (checkout / "content" / "nyheder" / "2013-03-01-strikkeklubben-er-startet.md").read_text(encoding="utf-8")
    assert news.startswith("Title: Strikkeklubben er startet\nDate: 2013-03-01 10:00\n")
    event = (checkout / "content" / "kalender" / "strikkeklub.md").read_text(encoding="utf-8")
    assert "Repeat: FREQ=WEEKLY;BYDAY=TU;UNTIL=20130625\n" in event and "Cancelled: 2013-03-12\n" in event

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
    shutil.rmtree(output)
    print((checkout / "cache" / "decap-server.log").read_text())
