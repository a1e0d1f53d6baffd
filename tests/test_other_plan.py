"""Another social-housing plan adopts the project by changing settings only.

Everything plan-specific (estates, focus areas, addresses, contact, name,
host) is a setting in pelicanconf.py; here a made-up plan overrides them and
the checks, the commands and the built site follow.
"""

from __future__ import annotations

import icalendar
import pytest

from rumforliv.build.run import build, load_settings
from rumforliv.content import schema
from rumforliv.editor import commands as editor

from conftest import ROOT, TinySite

OTHER_PLAN = {
    "SITENAME": "Sammen i Tingbjerg",
    "SITESUBTITLE": "Tingbjerg Nord og Tingbjerg Syd",
    "AUTHOR": "Sammen i Tingbjerg",
    "ORGANISATION": "fsb",
    "SITE_HOST": "sammenitingbjerg.dk",
    "CALENDAR_PRODID": "-//Sammen i Tingbjerg//Kalender//DA",
    "PUBLISH_SITEURL": "https://sammenitingbjerg.dk",
    "ESTATES": ["Tingbjerg Nord", "Tingbjerg Syd"],
    "CATEGORIES": ["Tryghed og trivsel", "Uddannelse og job"],
    "AUDIENCES": ["børn", "unge", "voksne", "alle"],
    "CONTACT": {"name": "Sekretariatet for Sammen i Tingbjerg", "address": "Ruten 2, 2700 Brønshøj"},
    "SCHOOL_HOLIDAYS": [],
}
OLD_PLAN_WORDS = ("Akacieparken", "Lukretiavej", "Carl Th. Dreyersvej", "Rum for Liv")

NEWS = """\
Title: Gårdfest i Tingbjerg Nord
Date: 2013-02-11 10:00
Category: Tryghed og trivsel
Estate: Tingbjerg Nord

Fest i gården med grill og musik.
"""

EVENT = """\
Title: Lektiehjælp
Start: 2013-03-04 15:00
Repeat: FREQ=WEEKLY;BYDAY=MO
Location: Ruten 2
Estate: Tingbjerg Syd
Category: Uddannelse og job
Audience: børn
Slug: lektiehjaelp

Hjælp til lektierne.
"""


@pytest.fixture
def other(site):
    """A tiny site of the other plan, and its settings."""
    return site, site.settings(**OTHER_PLAN)


def problems(site, settings, relative: str, text: str) -> list[str]:
    path = site.root / relative
    path.write_text(text, encoding="utf-8")
    return [str(p) for p in schema.check_file(path, settings, site.content)[1]]


def test_the_new_plans_estates_and_focus_areas_are_accepted(other):
    site, settings = other
    assert problems(site, settings, "content/nyheder/a.md", NEWS) == []
    assert problems(site, settings, "content/kalender/b.md", EVENT) == []


def test_the_old_plans_estate_is_refused_with_the_new_choices(other):
    site, settings = other
    assert problems(site, settings, "content/nyheder/a.md", NEWS.replace("Tingbjerg Nord\n", "Akacieparken\n")) == [
        'content/nyheder/a.md:4: Estate: "Akacieparken" er ikke en afdeling. '
        'Brug en af: "Tingbjerg Nord", "Tingbjerg Syd".'
    ]
    assert problems(site, settings, "content/nyheder/a.md", NEWS.replace("Tingbjerg Nord\n", "Tingbjerg Nort\n")) == [
        'content/nyheder/a.md:4: Estate: "Tingbjerg Nort" er ikke en afdeling. '
        'Brug en af: "Tingbjerg Nord", "Tingbjerg Syd". Mente du "Tingbjerg Nord"?'
    ]


def test_the_old_plans_focus_area_and_audience_are_refused(other):
    site, settings = other
    text = EVENT.replace("Uddannelse og job", "Børn, unge og familier").replace("Audience: børn", "Audience: seniorer")
    assert problems(site, settings, "content/kalender/b.md", text) == [
        'content/kalender/b.md:6: Category: "Børn, unge og familier" er ikke et indsatsområde. '
        'Brug en af: "Tryghed og trivsel", "Uddannelse og job".',
        'content/kalender/b.md:7: Audience: "seniorer" er ikke en målgruppe. '
        'Brug en af: "børn", "unge", "voksne", "alle".',
    ]


def test_the_commands_follow_the_settings(other):
    site, settings = other
    path = editor.new_event(settings, "Fodbold", start="2013-03-05 16:00", estate="tingbjerg s")
    text = path.read_text(encoding="utf-8")
    assert "Estate: Tingbjerg Syd\n" in text
    assert "Category: Tryghed og trivsel\n" in text  # the plan's first focus area
    assert "Location: Ruten 2, 2700 Brønshøj\n" in text  # the plan's own address
    with pytest.raises(editor.EditorError, match='Brug en af: "Tingbjerg Nord", "Tingbjerg Syd"'):
        editor.new_news(settings, "Fest", estate="Lukretiavej")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import os

    site = TinySite(tmp_path_factory.mktemp("tingbjerg"))
    site.write({"content/nyheder/a.md": NEWS, "content/kalender/lektiehjaelp.md": EVENT})
    old = os.environ.get("SITE_TODAY")
    os.environ["SITE_TODAY"] = "2013-03-04"
    try:
        build(ROOT / "pelicanconf.py", site.output, **site.overrides(**OTHER_PLAN))
    finally:
        os.environ.pop("SITE_TODAY") if old is None else os.environ.__setitem__("SITE_TODAY", old)
    return site


def test_the_site_carries_the_new_plans_name_and_contact(built):
    home = built.read("index.html")
    assert "Sammen i Tingbjerg" in home
    assert "Ruten 2, 2700 Brønshøj" in home
    pages = ("index.html", "nyheder/2013/gaardfest-i-tingbjerg-nord/index.html", "kalender/lektiehjaelp/index.html")
    for page in pages:
        text = built.read(page)
        assert [word for word in OLD_PLAN_WORDS if word in text] == [], page


def test_the_calendar_feeds_follow_the_new_estates_and_host(built):
    names = sorted(p.name for p in (built.output / "kalender/afdeling").glob("*.ics"))
    assert names == ["tingbjerg-nord.ics", "tingbjerg-syd.ics"]
    calendar = icalendar.Calendar.from_ical((built.output / "kalender/afdeling/tingbjerg-syd.ics").read_bytes())
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == ["lektiehjaelp@sammenitingbjerg.dk"]
    assert "Sammen i Tingbjerg" in str(calendar["X-WR-CALNAME"])


def test_the_settings_file_holds_every_plan_specific_value():
    settings = load_settings(ROOT / "pelicanconf.py")
    for key in OTHER_PLAN:
        assert key in settings, key


def test_no_page_feed_or_pdf_names_the_old_plan(built):
    leaks = []
    for path in built.output.rglob("*"):
        if path.suffix in (".html", ".ics", ".xml") and "hjaelp" not in path.parts:  # the guide is this plan's own
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [f"{path.relative_to(built.output)}: {word}" for word in OLD_PLAN_WORDS if word in text]
    assert leaks == []
