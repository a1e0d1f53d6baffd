"""The editors' guide: every example in it is a real file that builds, every
command it names exists, every error it explains is a real message, and the
site shows it at /hjaelp/."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import textwrap

import icalendar
import pytest

from rumforliv.calendar.recurrence import build_schedule
from rumforliv.content import schema
from rumforliv.editor import commands as editor

from conftest import ROOT

GUIDE = ROOT / "docs" / "redaktoer.md"
EXAMPLES = ROOT / "docs" / "eksempler"
EXAMPLE_FILES = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.md"))


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("relative", EXAMPLE_FILES)
def test_the_guide_shows_each_example_verbatim_with_its_path(relative):
    text = (EXAMPLES / relative).read_text(encoding="utf-8")
    shown = f"Fil: `{relative}`\n\n" + textwrap.indent(text, "    ")
    assert shown.rstrip("\n") in guide()


def test_every_example_file_is_shown_in_the_guide():
    shown = set(re.findall(r"^ *Fil: `([^`]+)`", guide(), flags=re.M))
    assert shown == set(EXAMPLE_FILES)


def example_values(relative: str, settings) -> dict:
    checked, problems = schema.check_file(EXAMPLES / relative, settings, EXAMPLES / "content")
    assert problems == []
    return checked.values


@pytest.mark.parametrize(
    "relative, first_dates",
    [
        ("content/kalender/jobcafe.md", ["2013-01-08", "2013-01-15", "2013-01-22"]),  # every Tuesday
        ("content/kalender/loppemarked.md", ["2013-04-06", "2013-05-04", "2013-06-01"]),  # first Saturday
        ("content/kalender/fodbold.md", ["2013-04-12", "2013-04-26", "2013-05-10"]),  # every other Friday
        ("content/kalender/lektiecafe.md", ["2013-01-07", "2013-01-09", "2013-01-10"]),  # Mon, Wed, Thu
    ],
)
def test_the_repeat_examples_mean_what_the_guide_says(site, relative, first_dates):
    schedule = build_schedule(example_values(relative, site.settings()), site.settings())
    days = [slot.date().isoformat() for slot in schedule.slots(dt.date(2013, 1, 1), dt.date(2013, 12, 31))]
    assert days[:3] == first_dates


def test_the_until_examples_stop_where_the_guide_says(site):
    settings = site.settings()
    football = build_schedule(example_values("content/kalender/fodbold.md", settings), settings)
    flea_market = build_schedule(example_values("content/kalender/loppemarked.md", settings), settings)
    assert football.last_slot_day == dt.date(2013, 6, 21)  # "indtil sommerferien"
    assert flea_market.last_slot_day == dt.date(2013, 10, 5)  # "til og med oktober"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A tiny site made of nothing but the guide's examples, built once."""
    import os

    from conftest import TinySite

    site = TinySite(tmp_path_factory.mktemp("eksempler"))
    shutil.copytree(EXAMPLES / "content", site.content, dirs_exist_ok=True)
    shutil.copytree(EXAMPLES / "newsletter", site.root / "newsletter", dirs_exist_ok=True)
    old = os.environ.get("SITE_TODAY")
    os.environ["SITE_TODAY"] = "2013-06-01"  # the example issue's date: both news items are out
    site.said = []
    try:
        site.report = editor.build_site(ROOT / "pelicanconf.py", site.output, say=site.said.append, **site.overrides())
    finally:
        if old is None:
            os.environ.pop("SITE_TODAY", None)
        else:
            os.environ["SITE_TODAY"] = old
    return site


def test_building_the_examples_reports_progress_and_a_summary(built):
    assert built.said[:2] == ["Tjekker indholdet …", "Skriver hjemmesiden, kalenderen, feeds og nyhedsbreve …"]
    assert re.fullmatch(r"Nyhedsbrev 2013-2: \d+ sider på \d+,\d s", built.said[2])
    assert re.fullmatch(
        r"Bygget: 2 nyheder, 7 aktiviteter, 1 side, 1 nyhedsbrev \(3 PDF\) på \d+,\d s\.", built.report.summary()
    )


def test_the_examples_build_into_a_site(built):
    assert "Sommerfest i gården" in built.read("nyheder/2013/sommerfest-i-gaarden/index.html")
    assert "Ny legeplads på Lukretiavej" in built.read("nyheder/2013/ny-legeplads-paa-lukretiavej/index.html")
    assert (built.output / "billeder/legeplads.jpg").is_file()
    for slug in (
        "jobcafe",
        "lektiecafe",
        "loppemarked",
        "fodbold",
        "familielejr-2013",
        "fastelavn-2014",
        "sommerudflugt-2013",
    ):
        assert (built.output / f"kalender/{slug}/index.html").is_file(), slug
    assert "Strikkeklub" in built.read("indsatser/strikkeklub/index.html")
    assert "Nyt fra bestyrelsen i Akacieparken" in built.read("nyhedsbrev/2013-2/index.html")


def test_the_lektiecafe_example_skips_cancels_and_moves_as_the_guide_says(built):
    calendar = icalendar.Calendar.from_ical((built.output / "kalender/lektiecafe.ics").read_bytes())
    events = calendar.walk("VEVENT")
    series = [e for e in events if "RRULE" in e][0]
    skipped = {
        d.dt.date()
        for exdate in series.get("EXDATE", [])
        for d in (exdate if isinstance(exdate, list) else [exdate])
        for d in d.dts
    }
    assert dt.date(2013, 2, 11) in skipped and dt.date(2013, 4, 1) in skipped  # winter and Easter holidays
    overrides = {e["RECURRENCE-ID"].dt.date(): e for e in events if "RECURRENCE-ID" in e}
    assert str(overrides[dt.date(2013, 3, 4)]["STATUS"]) == "CANCELLED"
    moved = overrides[dt.date(2013, 3, 14)]["DTSTART"].dt
    assert (moved.date(), moved.hour) == (dt.date(2013, 3, 15), 15)


def test_the_cancelled_example_is_sent_as_cancelled(built):
    calendar = icalendar.Calendar.from_ical((built.output / "kalender/sommerudflugt-2013.ics").read_bytes())
    assert [str(e["STATUS"]) for e in calendar.walk("VEVENT")] == ["CANCELLED"]


def test_the_site_shows_the_guide_at_hjaelp(built):
    page = built.read("hjaelp/index.html")
    assert "<h1>Vejledning for redaktører</h1>" in page
    assert 'href="/theme/css/guide.css"' in page and (built.output / "theme/css/guide.css").is_file()
    assert 'id="en-aktivitet-der-gentages"' in page
    assert '<a href="#en-aktivitet-der-gentages">' in page  # the table of contents
    assert "FREQ=MONTHLY;BYDAY=1SA;UNTIL=20131031" in page
    assert '<td data-label="Fil"><code>2013-2-haefte.pdf</code></td>' in page


# --- the guide agrees with the code ----------------------------------------------------


def error_table() -> list[str]:
    section = guide().split("## Når tjek finder en fejl", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Beskeden")]
    return [row.split("|")[1].strip() for row in rows]


def test_the_error_table_explains_real_messages():
    sources = "".join(
        (ROOT / "plugins/rumforliv" / name).read_text(encoding="utf-8")
        for name in (
            "content/schema.py",
            "content/gate.py",
            "content/files.py",
            "editor/cli.py",
            "calendar/recurrence.py",
            "editor/commands.py",
            "newsletter/issues.py",
            "site/languages.py",
        )
    )
    starts = error_table()
    assert len(starts) >= 30
    for start in starts:
        words = start.replace('"', "")
        plain = sources.replace('\\"', "").replace('"', "")
        assert words in plain or words.removeprefix("er ikke ") in plain, start


def test_every_command_in_the_guide_exists():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from invoke import Collection

    tasks = Collection.from_module(module)
    known = set(tasks.task_names) | {alias for aliases in tasks.task_names.values() for alias in aliases}
    named = set(re.findall(r"invoke ([a-z][a-z-]+)", guide()))
    assert named - known == set()
    assert {"ny-nyhed", "ny-aktivitet", "aflys", "tjek", "vis", "byg", "nyhedsbrev", "udgiv"} <= named


def test_the_guide_names_every_category_and_estate_of_the_plan(site):
    settings = site.settings()
    text = guide()
    for name in settings["ESTATES"] + settings["CATEGORIES"] + settings["AUDIENCES"]:
        assert name in text.replace("\n", " "), name


def test_on_a_phone_each_table_cell_is_labelled_with_its_column():
    """site.css shows the guide's tables as a block per row on a phone, each cell under its heading."""
    from rumforliv.site.guide import render_guide

    _, _, html = render_guide((ROOT / "docs" / "redaktoer.md").read_text(encoding="utf-8"))
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    assert len(tables) >= 4
    for table in tables:
        headings = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
            labels = re.findall(r'<td data-label="([^"]*)"', row)
            assert labels == [re.sub(r"<[^>]+>", "", heading) for heading in headings][: len(labels)] and labels
    css = (ROOT / "theme/static/css/guide.css").read_text(encoding="utf-8")  # linked by the guide alone
    assert ".guide td[data-label]::before { content: attr(data-label)" in css
