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
    assert [c["label"] for c in cfg["collections"]][:3] == ["Nyheder", "Aktiviteter", "Sider"]
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
    # The translations beside the Danish text follow the languages, Danish first.
    assert after["i18n"] == {"structure": "multiple_files", "locales": ["da", "en", "pl"], "default_locale": "da"}
    assert news["i18n"] is True and form_field(news, "title")["i18n"] is True
    assert form_field(news, "date")["i18n"] == "duplicate" and form_field(news, "slug")["i18n"] is False


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


# --- Translations beside the Danish text --------------------------------------


def backend_files(job: dict) -> dict:
    """What the CMS's backend wrapper saves and shows (run by Node, as in the browser)."""
    result = subprocess.run(
        ["node", str(FORMAT_JS), "files"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(result.stdout)


def admin_settings(site) -> dict:
    site.build()
    page = (site.output / "admin" / "index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r"window\.RUMFORLIV = (\{.*?\});", page).group(1))


def test_every_file_keeps_its_name_through_the_translation_columns(site):
    """Decap's i18n wants "name.da.md"; the repo's Danish files stay "name.md", translations "name.ar.md"."""
    need_node()
    need_decap()
    settings = admin_settings(site)
    assert {"content/nyheder", "content/kalender", "content/sider"} <= set(settings["translatedFolders"])
    assert "newsletter" not in settings["translatedFolders"]
    paths = sorted(
        str(p.relative_to(ROOT)) for folder in ("nyheder", "kalender") for p in (ROOT / "content" / folder).glob("*.md")
    ) + ["newsletter/2013-1/10-leder.md"]
    out = backend_files({"settings": settings, "paths": paths})
    assert out["back"] == paths
    seen = dict(zip(paths, out["forDecap"], strict=True))
    assert seen["content/nyheder/2013-01-15-jobcentret-hver-tirsdag.md"].endswith("tirsdag.da.md")
    assert seen["content/nyheder/2013-01-15-jobcentret-hver-tirsdag.ar.md"].endswith("tirsdag.ar.md")
    assert seen["newsletter/2013-1/10-leder.md"] == "newsletter/2013-1/10-leder.md"


def test_the_cms_makes_the_same_slug_as_the_site():
    need_node()
    import pelicanconf
    from rumforliv.content.slugs import slugify

    subs = [list(pair) for pair in pelicanconf.SLUG_REGEX_SUBSTITUTIONS]
    danish = [p for p in sorted((ROOT / "content").rglob("*.md")) if not re.search(r"\.[a-z]{2}\.md$", p.name)]
    titles = [m.group(1) for p in danish if (m := re.search(r"^Title:(.*)$", p.read_text(encoding="utf-8"), re.M))]
    assert len(titles) > 20
    titles += ["Børn, unge og familier", "  Fastelavn i Akacieparken!  ", "Café & Lektier: Ü-bådens 2. tur", "Æ-ø-å"]
    out = backend_files({"settings": {"slugSubstitutions": subs}, "titles": titles})
    assert out["slugs"] == [slugify(t, {"SLUG_REGEX_SUBSTITUTIONS": subs}) for t in titles]


NEWS_ORDER = ["title", "date", "category", "estate", "tags", "summary", "image", "image-alt", "print", "body"]
ARABIC = {"title": "نادي الحياكة بدأ", "summary": "كل يوم ثلاثاء نحيك معًا.", "body": "نحيك معًا في بيت السكان.\n"}


def test_a_translation_written_beside_the_danish_text_is_stored_as_the_contract_says(site):
    need_node()
    need_decap()
    settings = admin_settings(site)
    # The Arabic column: its own title, summary and text, the other fields copied from the Danish one.
    danish, arabic_form = (
        out["text"]
        for out in saved(
            [{"data": NEWS_FORM, "order": NEWS_ORDER}, {"data": {**NEWS_FORM, **ARABIC}, "order": NEWS_ORDER}]
        )
    )
    folder = "content/nyheder/2013-03-01-strikkeklubben-er-startet"
    # As Decap hands them to the backend: every language's file, the untouched ones with only the
    # copied fields (no title).
    untouched = "Date: 2013-03-01 10:00\nCategory: Beboernetværk, inddragelse og demokrati\n\n"
    out = backend_files(
        {
            "settings": settings,
            "dataFiles": [
                {"path": f"{folder}.da.md", "slug": "x", "raw": danish},
                {"path": f"{folder}.en.md", "slug": "x", "raw": untouched},
                {"path": f"{folder}.ar.md", "slug": "x", "raw": arabic_form},
            ],
        }
    )
    assert [f["path"] for f in out["saved"]] == [f"{folder}.md", f"{folder}.ar.md"]
    danish_saved, arabic = (f["raw"] for f in out["saved"])
    assert danish_saved == danish
    assert arabic.splitlines()[:3] == ["Title: نادي الحياكة بدأ", "Slug: strikkeklubben-er-startet", "Lang: ar"]

    site.write({f"{folder}.md": danish, f"{folder}.ar.md": arabic})
    assert schema.check_tree(site.settings()) == []
    site.build()
    page = site.read("ar/nyheder/2013/strikkeklubben-er-startet/index.html")
    assert "نادي الحياكة بدأ" in page

    # Saving both again without changes gives the same bytes: no second Slug or Lang.
    again = backend_files(
        {
            "settings": settings,
            "dataFiles": [{"path": f"{folder}.da.md", "raw": danish}, {"path": f"{folder}.ar.md", "raw": arabic}],
        }
    )
    assert [f["raw"] for f in again["saved"]] == [danish, arabic]


def test_a_date_cancelled_in_danish_is_cancelled_in_the_translations_too(site):
    """The translation's column shows the Danish dates; the file gets them, and keeps its own words."""
    need_node()
    need_decap()
    settings = admin_settings(site)
    folder = ROOT / "content" / "kalender"
    danish_before = (folder / "lektiecafe-boern.md").read_text(encoding="utf-8")
    arabic_before = (folder / "lektiecafe-boern.ar.md").read_text(encoding="utf-8")
    [danish] = saved([{"source": danish_before, "data": {"cancelled": ["2013-04-18", "2013-05-02"]}}])
    out = backend_files(
        {
            "settings": settings,
            "dataFiles": [
                {"path": "content/kalender/lektiecafe-boern.da.md", "raw": danish["text"]},
                {"path": "content/kalender/lektiecafe-boern.ar.md", "raw": arabic_before},
            ],
        }
    )
    arabic = out["saved"][1]["raw"]
    changed = [(a, b) for a, b in zip(arabic_before.split("\n"), arabic.split("\n"), strict=True) if a != b]
    assert changed == [("Cancelled: 2013-04-18", "Cancelled: 2013-04-18, 2013-05-02")]


def test_a_saved_section_is_edited_in_its_folder_and_a_new_one_must_name_it():
    """Issue and number name a new section's file; an open section keeps its file, so they are not asked."""
    need_node()
    source = (ROOT / "docs" / "eksempler" / "newsletter" / "2013-2" / "20-bestyrelsen.md").read_text(encoding="utf-8")
    new = {"title": "Nyt fra Lukretiavej", "body": "Tekst.\n"}
    edited, unnamed, named = saved(
        [
            {"source": source, "data": {"title": "Nyt fra bestyrelsen"}, "collection": "afsnit"},
            {"data": new, "collection": "afsnit"},
            {"data": {**new, "_issue": "2013-2", "_number": "30"}, "collection": "afsnit"},
        ]
    )
    assert edited["problems"] == "" and edited["text"].startswith("Title: Nyt fra bestyrelsen\n\nTak til alle")
    assert "udgave" in unnamed["problems"] and "nummer" in unnamed["problems"]
    assert named["problems"] == "" and "_issue" not in named["text"]
