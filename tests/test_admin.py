"""/admin/: Decap CMS served from the site, its config made from the settings, and the CMS's own format
code (theme/admin/rumforliv-cms.js, run under Node) keeping the content format byte for byte."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
import yaml

from rumforliv.build.run import BuildFailed
from rumforliv.content import schema

from conftest import ROOT

FORMAT_JS = ROOT / "tests" / "admin" / "format.js"
DECAP = ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"


def need_node():
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/setup.sh installs it)")


def need_decap():
    if not DECAP.is_file():
        pytest.skip("decap-cms is not installed (npm ci, scripts/setup.sh)")


def config(output: Path) -> dict:
    return yaml.safe_load((output / "admin" / "config.yml").read_text(encoding="utf-8"))


def collection(cfg: dict, name: str) -> dict:
    return next(c for c in cfg["collections"] if c["name"] == name)


def form_field(coll: dict, name: str) -> dict:
    return next(f for f in coll["fields"] if f["name"] == name)


def options(fld: dict) -> list:
    return [o["value"] if isinstance(o, dict) else o for o in fld["options"]]


# --- The built /admin/ --------------------------------------------------------


def test_admin_is_served_from_the_site_in_danish(site):
    need_decap()
    site.build()
    admin = site.output / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert '<script src="decap-cms.js"></script>' in page
    assert '<script src="rumforliv-cms.js"></script>' in page
    assert "http" not in page.lower().replace('rel="cms-config-url"', "")  # nothing from another host
    assert (admin / "decap-cms.js").read_bytes() == DECAP.read_bytes()  # the pinned package's own bundle
    chunks = sorted(p.name for p in DECAP.parent.glob("*.decap-cms.js"))
    assert chunks and sorted(p.name for p in admin.glob("*.decap-cms.js")) == chunks  # what it loads lazily
    assert not list(admin.glob("*.map"))
    cfg = config(site.output)
    assert cfg["locale"] == "da"
    assert [c["label"] for c in cfg["collections"]][:4] == [
        "Nyheder",
        "Nyheder: oversættelser",
        "Aktiviteter",
        "Aktiviteter: oversættelser",
    ]
    assert {"nyhedsbreve", "afsnit"} <= {c["name"] for c in cfg["collections"]}
    assert all(c["format"] == "rumforliv" for c in cfg["collections"])
    assert "admin/" not in site.read("sitemap.xml")


def test_no_secret_is_published_under_admin(site):
    need_decap()
    site.build()
    text = (site.output / "admin" / "config.yml").read_text(encoding="utf-8").lower()
    for word in ("secret", "token", "password", "private"):
        assert word not in text


def test_the_form_follows_the_vocabularies_in_the_settings(site):
    need_decap()
    site.build()
    before = config(site.output)
    news = collection(before, "nyheder")
    assert options(form_field(news, "category")) == [
        "Børn, unge og familier",
        "Uddannelse, beskæftigelse og erhverv",
        "Beboernetværk, inddragelse og demokrati",
        "Image og kommunikation",
    ]
    assert options(form_field(news, "estate")) == ["Akacieparken", "Lukretiavej"]

    site.build(
        ESTATES=["Akacieparken", "Lukretiavej", "Folehaven"],
        CATEGORIES=["Tryghed og trivsel", "Beskæftigelse"],
        AUDIENCES=["børn", "alle"],
        LANGUAGES=["da", "en", "pl"],
    )
    after = config(site.output)
    news, events = collection(after, "nyheder"), collection(after, "aktiviteter")
    assert options(form_field(news, "estate")) == ["Akacieparken", "Lukretiavej", "Folehaven"]
    assert options(form_field(events, "category")) == ["Tryghed og trivsel", "Beskæftigelse"]
    assert options(form_field(events, "audience")) == ["børn", "alle"]
    assert options(form_field(collection(after, "nyheder-oversat"), "lang")) == ["en", "pl"]


def test_page_folders_each_get_a_collection(site):
    need_decap()
    site.write({"content/sider/indsatser/strik.md": "Title: Strik\nCategory: Image og kommunikation\n\nTekst.\n"})
    site.build()
    folders = {c["folder"] for c in config(site.output)["collections"]}
    assert {"content/sider", "content/sider/indsatser", "content/nyheder", "content/kalender", "newsletter"} <= folders


def test_a_missing_decap_is_a_danish_message(site, tmp_path):
    with pytest.raises(BuildFailed) as stopped:
        site.build(DECAP_DIST=str(tmp_path / "nowhere"))
    assert "npm ci" in str(stopped.value) and "/admin/" in str(stopped.value)


# --- The CMS's format code, run by Node -----------------------------------------


def content_files() -> list[Path]:
    return sorted(
        path
        for folder in ("content", "newsletter", "docs/eksempler")
        for path in (ROOT / folder).rglob("*.md")
        if path.is_file()
    )


def test_opening_and_saving_every_content_file_leaves_it_byte_identical():
    need_node()
    files = content_files()
    assert len(files) > 100
    result = subprocess.run(
        ["node", str(FORMAT_JS), "roundtrip", *map(str, files)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_the_roundtrip_check_can_fail(tmp_path):
    """A file Decap would change (no newline at its end: Decap adds one) is reported."""
    need_node()
    odd = tmp_path / "x.md"
    odd.write_text("Title: X\n\nNo newline", encoding="utf-8")
    result = subprocess.run(
        ["node", str(FORMAT_JS), "roundtrip", str(odd)], capture_output=True, text=True, encoding="utf-8"
    )
    assert json.loads(result.stdout) == [str(odd)]


def saved(forms: list[dict]) -> list[dict]:
    """What the CMS writes for these form values (and the problems it refuses to save)."""
    result = subprocess.run(
        ["node", str(FORMAT_JS), "write"],
        input=json.dumps(forms),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(result.stdout)


def test_a_changed_field_keeps_its_place_and_the_others_their_bytes():
    need_node()
    source = (ROOT / "content" / "kalender" / "lektiecafe-boern.md").read_text(encoding="utf-8")
    [out] = saved([{"source": source, "data": {"cancelled": ["2013-04-18", "2013-05-02"]}}])
    before, after = source.split("\n"), out["text"].split("\n")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("Cancelled: 2013-04-18", "Cancelled: 2013-04-18, 2013-05-02")]


EVENT_FORM = {
    "title": "Strikkeklub",
    "start": "2013-03-05 16:00",
    "end": "2013-03-05 18:00",
    "_days": ["TU", "TH"],
    "_every": 1,
    "_until": "2013-06-27",
    "cancelled": ["2013-03-14"],
    "moved": [{"from": "2013-03-19", "to": "2013-03-20 16:00"}],
    "location": "Beboerhuset",
    "estate": ["Lukretiavej"],
    "category": "Beboernetværk, inddragelse og demokrati",
    "audience": ["voksne", "seniorer"],
    "body": "Vi strikker sammen.\n",
}
EVENT_ORDER = [
    "title",
    "start",
    "end",
    "_days",
    "_every",
    "_until",
    "repeat",
    "except",
    "cancelled",
    "moved",
    "status",
    "location",
    "estate",
    "category",
    "audience",
    "body",
]
NEWS_FORM = {
    "title": "Strikkeklubben er startet",
    "date": "2013-03-01 10:00",
    "category": "Beboernetværk, inddragelse og demokrati",
    "estate": ["Lukretiavej"],
    "tags": ["strik", "fællesskab"],
    "print": "no",
    "body": "Hver **tirsdag** strikker vi.\n",
}


def test_what_the_form_writes_passes_the_check_and_reaches_the_feed(site):
    need_node()
    need_decap()
    event, news = saved([{"data": EVENT_FORM, "order": EVENT_ORDER}, {"data": NEWS_FORM}])
    assert event["text"].splitlines()[:6] == [
        "Title: Strikkeklub",
        "Start: 2013-03-05 16:00",
        "End: 2013-03-05 18:00",
        "Repeat: FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20130627",
        "Cancelled: 2013-03-14",
        "Moved: 2013-03-19 -> 2013-03-20 16:00",
    ]
    assert "Print: no" in news["text"] and "Tags: strik, fællesskab" in news["text"]
    site.write(
        {"content/kalender/strikkeklub.md": event["text"], "content/nyheder/2013-03-01-strikkeklub.md": news["text"]}
    )
    assert schema.check_tree(site.settings()) == []
    site.build()
    feed = icalendar.Calendar.from_ical((site.output / "kalender" / "strikkeklub.ics").read_bytes())
    cancelled = [
        e.get("RECURRENCE-ID").dt.date().isoformat()
        for e in feed.walk("VEVENT")
        if e.get("STATUS") == "CANCELLED" and e.get("RECURRENCE-ID")
    ]
    assert cancelled == ["2013-03-14"]
    assert "Strikkeklubben er startet" in site.read("nyheder/2013/strikkeklubben-er-startet/index.html")


def test_a_picture_without_alt_text_cannot_be_saved():
    need_node()
    with_alt, without = saved(
        [
            {"data": {**NEWS_FORM, "image": "billeder/strik.jpg", "image-alt": "Fem kvinder strikker"}},
            {"data": {**NEWS_FORM, "image": "billeder/strik.jpg"}},
        ]
    )
    assert with_alt["problems"] == ""
    assert "billedtekst" in without["problems"] and "Image-Alt" in without["problems"]


def test_an_all_day_activity_is_saved_with_dates_only(site):
    """The "Hele dagen" box: the picker's times are dropped, and the feed gets whole days."""
    need_node()
    need_decap()
    form = {
        **EVENT_FORM,
        "title": "Sommerlejr",
        "_allday": True,
        "start": "2013-07-01 00:00",
        "end": "2013-07-03 17:00",
    }
    for repeating in ("_days", "_until", "cancelled", "moved"):
        form.pop(repeating)
    allday, unticked = saved(
        [{"data": form, "order": EVENT_ORDER}, {"data": {**form, "_allday": False}, "order": EVENT_ORDER}]
    )
    assert allday["text"].splitlines()[1:3] == ["Start: 2013-07-01", "End: 2013-07-03"]
    assert allday["problems"] == ""
    assert unticked["problems"] == ""  # a time was picked: written with it
    assert unticked["text"].splitlines()[1] == "Start: 2013-07-01 00:00"
    # A file written with dates only opens with the box ticked and comes back as it was.
    source = allday["text"]
    [again, untick] = saved([{"source": source, "data": {}}, {"source": source, "data": {"_allday": False}}])
    assert again["text"] == source
    assert "Hele dagen" in untick["problems"]

    site.write({"content/kalender/sommerlejr.md": allday["text"]})
    assert schema.check_tree(site.settings()) == []
    site.build()
    feed = icalendar.Calendar.from_ical((site.output / "kalender" / "sommerlejr.ics").read_bytes())
    [event] = feed.walk("VEVENT")
    assert event.get("DTSTART").params.get("VALUE") == "DATE" and event.decoded("DTSTART").isoformat() == "2013-07-01"
    assert event.decoded("DTEND").isoformat() == "2013-07-04"  # iCal's end is exclusive


def test_a_rule_the_weekday_fields_cannot_show_stays_as_text():
    need_node()
    source = "Title: Loppemarked\nStart: 2013-04-06 10:00\nRepeat: FREQ=MONTHLY;BYDAY=1SA\nLocation: Gården\n\nTekst.\n"
    [same, weekly] = saved(
        [
            {"source": source, "data": {"title": "Loppemarked i gården"}},
            {"source": source, "data": {"repeat": "", "_days": ["SA"]}},
        ]
    )
    assert "Repeat: FREQ=MONTHLY;BYDAY=1SA\n" in same["text"]
    assert "Repeat: FREQ=WEEKLY;BYDAY=SA\n" in weekly["text"]


# --- Hosted editing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (
            {"name": "gitlab", "repo": "beboere/rumforliv", "app_id": "abc123"},
            {
                "name": "gitlab",
                "auth_type": "pkce",
                "base_url": "https://gitlab.com",
                "api_root": "https://gitlab.com/api/v4",
                "app_id": "abc123",
            },
        ),
        (
            {"name": "forgejo", "repo": "beboere/rumforliv", "url": "https://git.lejerbo.dk/", "app_id": "x"},
            {"name": "forgejo", "base_url": "https://git.lejerbo.dk", "api_root": "https://git.lejerbo.dk/api/v1"},
        ),
        (
            {"name": "gitea", "repo": "beboere/rumforliv", "url": "https://gitea.example.org"},
            {"name": "gitea", "api_root": "https://gitea.example.org/api/v1"},
        ),
        (
            {"name": "github", "repo": "beboere/rumforliv", "auth_url": "https://login.rumforliv.dk"},
            {"name": "github", "base_url": "https://login.rumforliv.dk"},
        ),
    ],
)
def test_a_setting_picks_the_git_host_and_its_login(site, chosen, expected):
    need_decap()
    site.build(CMS_BACKEND=chosen)
    cfg = config(site.output)
    assert cfg["backend"]["repo"] == "beboere/rumforliv" and cfg["backend"]["branch"] == "main"
    assert {key: cfg["backend"][key] for key in expected} == expected
    assert cfg["publish_mode"] == "editorial_workflow"  # changes wait for review
    assert cfg["local_backend"]["url"].startswith("http://127.0.0.1:")


def test_an_unknown_git_host_is_a_danish_message(site):
    need_decap()
    with pytest.raises(BuildFailed) as stopped:
        site.build(CMS_BACKEND={"name": "bitbucket", "repo": "x/y"})
    assert 'pelicanconf.py:1: CMS_BACKEND: "bitbucket" er ikke en git-vært' in str(stopped.value)


def test_the_guide_starts_with_the_browser_and_shows_its_pictures(site):
    need_decap()
    site.build()
    guide = (ROOT / "docs" / "redaktoer.md").read_text(encoding="utf-8")
    first = guide.index("\n## ")
    assert guide[first:].startswith("\n## I browseren: for bestyrelserne")
    pictures = re.findall(r"!\[[^\]]+\]\((billeder/[^)]+\.png)\)", guide)
    assert len(pictures) >= 4
    page = site.read("hjaelp/index.html")
    for picture in pictures:
        assert (ROOT / "docs" / picture).is_file() and f'src="/hjaelp/{picture}"' in page
        assert (site.output / "hjaelp" / picture).read_bytes() == (ROOT / "docs" / picture).read_bytes()
    for secret in ("PUBLISH_SSH_KEY", "PUBLISH_TARGET", "PUBLISH_KNOWN_HOSTS"):
        assert secret in guide  # the guide says which secrets live in CI, and where
