"""The editors' commands as functions: new files, cancelling a date, checking,
building with progress, publishing, and the guarantees that nothing is lost."""

from __future__ import annotations

import datetime as dt
import functools
import html
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import icalendar
import pytest

from rumforliv.build.run import BuildFailed, build
from rumforliv.content import schema
from rumforliv.editor import commands as editor
from rumforliv.editor.commands import EditorError

from conftest import HOMEWORK, NEWS, ROOT

NOW = dt.datetime(2013, 3, 5, 9, 30)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


NEWS, HOMEWORK = dedent(NEWS), dedent(HOMEWORK)  # so lines can be added by replace()


# --- ny-nyhed -------------------------------------------------------------------


def test_new_news_writes_a_dated_file_that_passes_the_check(site):
    settings = site.settings()
    path = editor.new_news(settings, "Sommerfest på plænen", estate="akacieparken", category="børn", now=NOW)
    assert path == site.content / "nyheder/2013-03-05-sommerfest-paa-plaenen.md"
    assert path.read_text(encoding="utf-8") == (
        "Title: Sommerfest på plænen\n"
        "Date: 2013-03-05 09:30\n"
        "Category: Børn, unge og familier\n"
        "Estate: Akacieparken\n"
        "\n"
        "Skriv nyheden her. Det første afsnit bruges som resumé på forsiden og i nyhedsbrevet.\n"
    )
    assert schema.check_file(path, settings, site.content)[1] == []


def test_new_news_refuses_to_overwrite(site):
    settings = site.settings()
    path = editor.new_news(settings, "Fastelavn", now=NOW)
    path.write_text(path.read_text(encoding="utf-8") + "Min tekst.\n", encoding="utf-8")
    with pytest.raises(EditorError) as refused:
        editor.new_news(settings, "Fastelavn", now=NOW)
    assert str(refused.value) == f"Filen {path} findes allerede. Ret den i stedet, eller vælg en anden titel."
    assert path.read_text(encoding="utf-8").endswith("Min tekst.\n")


def test_new_news_explains_an_unknown_estate(site):
    with pytest.raises(EditorError) as refused:
        editor.new_news(site.settings(), "Fastelavn", estate="Akaciparken", now=NOW)
    assert str(refused.value) == (
        '--afdeling "Akaciparken" er ikke en afdeling. Brug en af: "Akacieparken", "Lukretiavej". '
        'Mente du "Akacieparken"?'
    )
    assert list((site.content / "nyheder").iterdir()) == []


def test_a_title_that_looks_like_an_option_is_refused(site):
    with pytest.raises(EditorError, match="invoke --help ny-nyhed"):
        editor.new_news(site.settings(), "--help", now=NOW)
    assert list((site.content / "nyheder").iterdir()) == []


# --- ny-aktivitet -----------------------------------------------------------------


def test_new_weekly_event_from_the_options(site):
    settings = site.settings()
    path = editor.new_event(
        settings,
        "Strikkeklub",
        start="2013-03-04 15:00",
        end="17:00",
        weekly="ma,on",
        until="2013-06-30",
        location="Beboerhuset",
        estate="Lukretiavej",
        category="image",
    )
    assert path == site.content / "kalender/strikkeklub.md"
    assert path.read_text(encoding="utf-8") == (
        "Title: Strikkeklub\n"
        "Start: 2013-03-04 15:00\n"
        "End: 2013-03-04 17:00\n"
        "Repeat: FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20130630\n"
        "Location: Beboerhuset\n"
        "Estate: Lukretiavej\n"
        "Category: Image og kommunikation\n"
        "Slug: strikkeklub\n"
        "\n"
        "Skriv her, hvad aktiviteten går ud på, og hvem den er for.\n"
    )
    assert schema.check_file(path, settings, site.content)[1] == []


def test_new_event_defaults_to_both_estates_and_the_plans_address(site):
    settings = site.settings()
    text = editor.new_event(settings, "Juletræsfest", start="2013-12-14").read_text(encoding="utf-8")
    assert "Start: 2013-12-14\n" in text
    assert "Estate: Akacieparken, Lukretiavej\n" in text
    assert f"Location: {settings['CONTACT']['address']}\n" in text


@pytest.mark.parametrize(
    "options, message",
    [
        (
            {"start": "5. marts 2013 kl. 15"},
            '--start: Skriv datoen som år-måned-dag og tiden med kolon: "2013-03-05 15:00".',
        ),
        (
            {"start": "2013-03-05 15:00", "weekly": "ma,on"},
            "--start er en tirsdag, men aktiviteten gentages mandag, onsdag. Vælg en startdato på en af de dage.",
        ),
        (
            {"start": "2013-03-04 15:00", "weekly": "mandag,fest"},
            '--ugentlig: "fest" er ikke en ugedag. Skriv fx "ma,on" (ma, ti, on, to, fr, lø, sø).',
        ),
        (
            {"start": "2013-03-04 15:00", "end": "14:00"},
            "Filen kunne ikke laves:\ncontent/kalender/lektiecafe.md:3: End: Aktiviteten slutter "
            "(2013-03-04 14:00) før den begynder (2013-03-04 15:00).",
        ),
        ({"start": "2013-03-04 15:00", "until": "2013-06-30"}, "--indtil bruges kun sammen med --ugentlig."),
    ],
)
def test_new_event_explains_bad_options_and_writes_nothing(site, options, message):
    with pytest.raises(EditorError) as refused:
        editor.new_event(site.settings(), "Lektiecafé", **options)
    assert str(refused.value) == message
    assert list((site.content / "kalender").iterdir()) == []


# --- aflys ------------------------------------------------------------------------


def test_cancel_appends_to_cancelled_and_keeps_every_other_byte(site):
    original = ("\ufeff" + dedent(HOMEWORK)).replace("\n", "\r\n").encode("utf-8")
    path = site.content / "kalender/lektiecafe.md"
    path.write_bytes(original)
    assert editor.cancel(site.settings(), "lektiecafe", "2013-03-06") == [path]
    assert path.read_bytes() == original.replace(b"Cancelled: 2013-03-04\r\n", b"Cancelled: 2013-03-04, 2013-03-06\r\n")


def test_cancel_adds_the_line_after_except_when_missing(site):
    text = dedent(HOMEWORK).replace("Cancelled: 2013-03-04\n", "")
    path = site.content / "kalender/lektie.md"
    path.write_text(text, encoding="utf-8")
    editor.cancel(site.settings(), "Lektiecafé for børn og unge", "2013-03-07")
    assert path.read_text(encoding="utf-8") == text.replace(
        "Except: 2013-02-11, 2013-02-13\n", "Except: 2013-02-11, 2013-02-13\nCancelled: 2013-03-07\n"
    )
    assert schema.check_file(path, site.settings(), site.content)[1] == []


def test_cancel_also_cancels_in_the_translations(site):
    danish = site.content / "kalender/lektiecafe.md"
    english = site.content / "kalender/lektiecafe.en.md"
    danish.write_text(HOMEWORK, encoding="utf-8")
    english_text = HOMEWORK.replace("Title: Lektiecafé for børn og unge", "Title: Homework café\nLang: en")
    english.write_text(english_text, encoding="utf-8")
    assert editor.cancel(site.settings(), "Lektiecafé for børn og unge", "2013-03-07") == [danish, english]
    for path in (danish, english):
        assert "Cancelled: 2013-03-04, 2013-03-07\n" in path.read_text(encoding="utf-8")
    site.build()  # the language versions still agree on every date


def test_cancelling_twice_changes_nothing(site):
    path = site.content / "kalender/lektiecafe.md"
    path.write_text(dedent(HOMEWORK), encoding="utf-8")
    before = path.read_bytes()
    assert editor.cancel(site.settings(), "lektiecafe", "2013-03-04") == []
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "name, day, message",
    [
        (
            "lektiecafe",
            "2013-03-05",
            "2013-03-05 (tirsdag) er ikke en dag, hvor aktiviteten finder sted. "
            "Nærmeste dage: 2013-02-27, 2013-02-28, 2013-03-04, 2013-03-06.",
        ),
        ("lektiecafe", "2013-02-11", "2013-02-11 er allerede sprunget over (står i Except), så den skal ikke aflyses."),
        ("lektiecafe", "6. marts 2013", 'DATO: Skriv datoen som år-måned-dag: "2013-03-06".'),
        ("lektiecaffe", "2013-03-06", 'Der er ingen aktivitet, der hedder "lektiecaffe". Mente du "lektiecafe"?'),
    ],
)
def test_cancel_refuses_what_is_not_an_occurrence(site, name, day, message):
    path = site.content / "kalender/lektiecafe.md"
    path.write_text(dedent(HOMEWORK), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(EditorError) as refused:
        editor.cancel(site.settings(), name, day)
    assert str(refused.value) == message
    assert path.read_bytes() == before


# --- tjek -------------------------------------------------------------------------


def test_check_all_counts_a_clean_tree(site):
    site.write(
        {
            "content/nyheder/a.md": NEWS,
            "content/nyheder/b.md": NEWS.replace("Fastelavn", "Påske"),
            "content/kalender/lektiecafe.md": HOMEWORK,
            "content/sider/om.md": "Title: Om\n\nOm planen.\n",
        }
    )
    report = editor.check_all(site.settings())
    assert report.ok
    assert report.summary() == "Alt er i orden: 2 nyheder, 1 aktivitet, 1 side, 0 nyhedsbreve."


def test_check_all_lists_every_problem_in_every_file(site):
    site.write(
        {
            "content/nyheder/a.md": NEWS.replace("Akacieparken\n", "Akaciparken\n").replace("Title:", "Titel:"),
            "content/kalender/lektiecafe.md": HOMEWORK.replace("Cancelled: 2013-03-04", "Cancelled: 2013-03-05"),
        }
    )
    report = editor.check_all(site.settings())
    assert [f"{p.path}:{p.line}: {p.key}" for p in report.problems] == [
        "content/nyheder/a.md:1: Titel",
        "content/nyheder/a.md:4: Estate",
        "content/kalender/lektiecafe.md:6: Cancelled",
    ]
    assert report.summary() == "3 fejl i 2 filer. Ret dem og kør 'invoke tjek' igen."
    one = editor.CheckReport(report.problems[:1], report.counts)
    assert one.summary() == "1 fejl i 1 fil. Ret den og kør 'invoke tjek' igen."


def test_check_all_finds_a_translation_whose_dates_differ(site):
    site.write(
        {
            "content/kalender/lektiecafe.md": HOMEWORK,
            "content/kalender/lektiecafe.en.md": HOMEWORK.replace(
                "Title: Lektiecafé for børn og unge", "Title: Homework café\nLang: en"
            ).replace("Cancelled: 2013-03-04", "Cancelled: 2013-03-06"),
            "content/kalender/kun-engelsk.en.md": HOMEWORK.replace("Slug: lektiecafe", "Slug: kun-engelsk\nLang: en"),
        }
    )
    assert [str(p) for p in editor.check_all(site.settings()).problems] == [
        "content/kalender/kun-engelsk.en.md:1: Slug: Oversættelsen (en) har ingen dansk fil med "
        '"Slug: kun-engelsk". Giv den samme Slug som den danske fil.',
        "content/kalender/lektiecafe.en.md:1: Start: Oversættelsen (en) har andre tider end den danske aktivitet "
        '"lektiecafe". Kopiér Start, End, Repeat, Except, Cancelled og Moved fra den danske fil.',
    ]


def test_a_mistake_in_a_danish_activity_is_told_once_not_again_by_its_translations(site):
    """A misspelt estate in the Danish file: its translations are not called orphans as well."""
    site.write(
        {
            "content/kalender/lektiecafe.md": HOMEWORK.replace("Estate: Akacieparken", "Estate: Akaciparken"),
            "content/kalender/lektiecafe.en.md": HOMEWORK.replace(
                "Title: Lektiecafé for børn og unge", "Title: Homework café\nLang: en"
            ),
        }
    )
    problems = [str(p) for p in editor.check_all(site.settings()).problems]
    assert len(problems) == 1 and problems[0].startswith("content/kalender/lektiecafe.md:")
    assert 'Estate: "Akaciparken" er ikke en afdeling' in problems[0]


# --- byg: progress, summary and atomicity ---------------------------------------------


def test_build_shows_progress_and_a_one_line_summary(site, capsys):
    site.write({"content/nyheder/a.md": NEWS, "content/kalender/lektiecafe.md": HOMEWORK})
    said = []
    report = editor.build_site(ROOT / "pelicanconf.py", site.output, say=said.append, **site.overrides())
    assert said == ["Tjekker indholdet …", "Skriver hjemmesiden, kalenderen, feeds og nyhedsbreve …"]
    assert re.fullmatch(r"Bygget: 1 nyhed, 1 aktivitet, 0 sider, 0 nyhedsbreve på \d+,\d s\.", report.summary())
    assert "Done: Processed" not in capsys.readouterr().out  # Pelican's own line is hidden


def test_detaljer_shows_pelicans_own_lines(site, capsys):
    site.write({"content/nyheder/a.md": NEWS})
    editor.build_site(ROOT / "pelicanconf.py", site.output, verbose=True, say=lambda line: None, **site.overrides())
    assert "Done: Processed 1 article" in capsys.readouterr().out


def test_a_late_template_error_leaves_output_untouched(site, tmp_path):
    site.write({"content/nyheder/a.md": NEWS, "content/sider/om.md": "Title: Om\n\nOm planen.\n"})
    site.build()
    before = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    broken = tmp_path / "broken-templates"
    broken.mkdir()
    (broken / "page.html").write_text("{{ 1 // 0 }}", encoding="utf-8")  # fails while writing pages
    site.write({"content/nyheder/b.md": NEWS.replace("Fastelavn", "Påske")})
    with pytest.raises(EditorError) as stopped:
        editor.build_site(
            ROOT / "pelicanconf.py",
            site.output,
            say=lambda line: None,
            **site.overrides(THEME_TEMPLATES_OVERRIDES=[str(broken)]),
        )
    assert "ZeroDivisionError" in str(stopped.value)
    assert "Den tidligere side i output/ er ikke ændret." in str(stopped.value)
    after = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_a_content_error_leaves_output_untouched(site):
    site.write({"content/nyheder/a.md": NEWS})
    site.build()
    before = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.write({"content/nyheder/b.md": NEWS.replace("Estate: Akacieparken", "Estate: Akaciparken")})
    with pytest.raises(BuildFailed):
        editor.build_site(ROOT / "pelicanconf.py", site.output, say=lambda line: None, **site.overrides())
    assert {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()} == before


# --- drafts ------------------------------------------------------------------------

DRAFTS = {
    "content/nyheder/a.md": NEWS.replace("Tags:", "Status: draft\nTags:").replace(
        "Fastelavn i Akacieparken", "Hemmelig nyhed"
    ),
    "content/kalender/lektiecafe.md": HOMEWORK.replace("Slug:", "Status: draft\nSlug:").replace(
        "Lektiecafé for børn og unge", "Hemmelig aktivitet"
    ),
    "content/sider/hemmelig.md": "Title: Hemmelig side\nStatus: draft\n\nKladde.\n",
}


def texts(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_drafts_are_built_for_preview(site):
    site.write(DRAFTS).build()
    assert "Hemmelig nyhed" in site.read("kladder/nyheder/hemmelig-nyhed/index.html")
    assert "Hemmelig aktivitet" in site.read("kladder/kalender/lektiecafe/index.html")
    assert "Hemmelig side" in site.read("kladder/hemmelig-side/index.html")


def test_drafts_are_not_published(site):
    site.write(DRAFTS)
    build(ROOT / "publishconf.py", site.output, **site.overrides())
    leaks = {name for name, text in texts(site.output).items() if "Hemmelig" in text}
    assert leaks == set()
    assert not (site.output / "kladder").exists()


# --- nothing injected ----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
EVIL_BODY = f"\n{SCRIPT}\n\n<img src=x onerror=alert(2)>\n\n[klik](javascript:alert(3))\n"


def test_script_in_news_events_and_pages_never_reaches_the_site(site):
    site.write(
        {
            "content/nyheder/a.md": NEWS.replace(
                "Title: Fastelavn i Akacieparken", f"Title: Fastelavn {SCRIPT}"
            ).replace("Tags:", f"Summary: Se {SCRIPT}\nTags:")
            + EVIL_BODY,
            "content/kalender/lektiecafe.md": HOMEWORK.replace(
                "Organizer: Dansk Flygtningehjælp", f"Organizer: DFH {SCRIPT}"
            )
            + EVIL_BODY,
            "content/sider/om.md": f"Title: Om {SCRIPT}\nSummary: {SCRIPT}\n\nOm planen.\n{EVIL_BODY}",
        }
    ).build()
    pages = texts(site.output)
    assert [name for name in pages if name.startswith("nyheder/2013/")] == [
        "nyheder/2013/fastelavn-alert1/index.html"
    ]  # the news item was written
    for name, text in pages.items():
        if name.endswith(".xml"):  # a feed reader unescapes once, then reads HTML
            text = html.unescape(text)
        if name.endswith((".html", ".xml")):  # (.ics is plain text; see the feed test below)
            assert "<script>alert" not in text, name
            assert "<img src=x" not in text, name
            assert "javascript:alert" not in text, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["kalender/lektiecafe/index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["om-alert1/index.html"]


FEED_ATTACK = """
    Title: Lektiecafé
    Start: 2013-03-04 15:00
    Location: Beboerhuset
     END:VEVENT
     BEGIN:VEVENT
     SUMMARY:Falsk
    Estate: Akacieparken
    Category: Uddannelse, beskæftigelse og erhverv
    Slug: lektiecafe

    Hjælp til lektier.
    END:VEVENT
    BEGIN:VEVENT
    UID:falsk@example.com
    SUMMARY:Falsk aktivitet
    DTSTART:20130305T150000
    END:VEVENT
"""


def test_markdown_cannot_inject_lines_into_the_calendar_feeds(site):
    site.write({"content/kalender/lektiecafe.md": FEED_ATTACK}).build()
    for name in ("kalender.ics", "kalender/lektiecafe.ics"):
        raw = (site.output / name).read_bytes()
        lines = raw.split(b"\r\n")
        assert b"\n" not in b"".join(lines), name  # every line ends in CRLF, none in a bare LF
        assert not any(line.startswith((b"SUMMARY:Falsk", b"UID:falsk")) for line in lines), name
        events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        assert [str(e["SUMMARY"]) for e in events] == ["Lektiecafé"]
        assert "BEGIN:VEVENT" in str(events[0]["DESCRIPTION"])  # kept as text, not as a line
        assert str(events[0]["LOCATION"]) == "Beboerhuset END:VEVENT BEGIN:VEVENT SUMMARY:Falsk"


# --- udgiv -------------------------------------------------------------------------


def publish(site, target, **kwargs):
    said = []
    where = editor.publish(
        ROOT / "publishconf.py", str(target), say=said.append, **site.overrides(OUTPUT_PATH=str(site.output)), **kwargs
    )
    return where, said


def test_publish_to_a_folder_copies_the_published_site(site, tmp_path):
    site.write({"content/nyheder/a.md": NEWS, "content/nyheder/b.md": DRAFTS["content/nyheder/a.md"]})
    www = tmp_path / "www"
    where, said = publish(site, www)
    assert where == str(www)
    article = (www / "nyheder/2013/fastelavn-i-akacieparken/index.html").read_text(encoding="utf-8")
    assert "https://rumforliv.dk/" in article
    assert not (www / "kladder").exists()
    assert said[-1] == f"Kopierer siden til {www} …"
    assert not site.output.exists()  # the local preview is not replaced by the published build


def test_publish_refuses_when_the_check_fails(site, tmp_path):
    site.write({"content/nyheder/a.md": NEWS.replace("Estate: Akacieparken", "Estate: Akaciparken")})
    with pytest.raises(EditorError) as refused:
        publish(site, tmp_path / "www")
    assert str(refused.value).startswith("Siden er ikke udgivet, fordi der er fejl:\ncontent/nyheder/a.md:4: Estate:")
    assert not (tmp_path / "www").exists()


def test_publish_never_replaces_a_folder_that_is_not_a_site(site, tmp_path):
    site.write({"content/nyheder/a.md": NEWS})
    home = tmp_path / "dokumenter"
    home.mkdir()
    (home / "regnskab.xlsx").write_bytes(b"vigtigt")
    with pytest.raises(EditorError, match="er ikke tom og indeholder ingen hjemmeside"):
        publish(site, home)
    assert (home / "regnskab.xlsx").read_bytes() == b"vigtigt"


def test_publish_over_ssh_uses_rsync(site):
    site.write({"content/nyheder/a.md": NEWS})
    calls = []

    def fake_rsync(command):
        calls.append(command)
        assert Path(command[-2], "index.html").is_file()  # the built site exists while rsync runs
        return subprocess.CompletedProcess(command, 0)

    where, _ = publish(site, "redaktor@webhotel.example.dk:/var/www/rumforliv/", run=fake_rsync)
    assert where == "redaktor@webhotel.example.dk:/var/www/rumforliv/"
    assert calls[0][0] == "rsync" and "--delete" in calls[0] and calls[0][-1] == where


def test_a_failed_rsync_is_explained(site):
    site.write({"content/nyheder/a.md": NEWS})
    with pytest.raises(EditorError, match=r"mislykkedes \(rsync fejlkode 255\)"):
        publish(site, "redaktor@webhotel.example.dk:/www/", run=lambda c: subprocess.CompletedProcess(c, 255))


def test_publish_needs_a_target(site, monkeypatch):
    monkeypatch.delenv("PUBLISH_TARGET", raising=False)
    with pytest.raises(EditorError, match="Skriv fx PUBLISH_TARGET"):
        editor.publish(ROOT / "publishconf.py", None, say=lambda line: None, **site.overrides())


@pytest.mark.parametrize(
    "target, remote",
    [
        ("redaktor@webhotel.dk:/var/www/", True),
        ("webhotel.dk:www/", True),
        ("/mnt/webhotel/", False),
        ("udgivet", False),
        ("C:\\www", False),
    ],
)
def test_remote_and_local_targets(target, remote):
    assert editor.is_remote(target) is remote


# --- the invoke tasks themselves ----------------------------------------------------


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from invoke import Collection

    return Collection.from_module(module)


def test_every_task_has_a_danish_docstring_and_help_for_every_option():
    tasks = load_tasks()
    names = set(tasks.task_names)
    aliases = {alias for found in tasks.task_names.values() for alias in found}
    assert {"ny-nyhed", "ny-aktivitet", "aflys", "tjek", "nyhedsbrev", "udgiv", "byg"} <= names
    assert {"new-news", "new-event", "cancel", "check", "newsletter", "publish", "build"} <= aliases
    for name in ("ny-nyhed", "ny-aktivitet", "aflys", "nyhedsbrev", "udgiv", "byg", "vis"):
        task = tasks[name]
        assert task.__doc__ and task.__doc__.strip().endswith("."), name
        for argument in task.get_arguments():  # (invoke moves each help text onto its argument)
            assert argument.help, f"{name} --{argument.name}"


# --- nyhedsbrev ----------------------------------------------------------------------


def test_newsletter_lists_the_issues_pdfs_with_their_printer(site):
    report = editor.NewsletterReport(
        "2013-2",
        [
            site.output / "nyhedsbrev/2013-2-haefte.pdf",
            site.output / "nyhedsbrev/2013-2.pdf",
            site.output / "nyhedsbrev/2013-2-tryk.pdf",
        ],
        4.25,
    )
    assert report.described(lambda path: path.relative_to(site.output).as_posix()) == [
        "nyhedsbrev/2013-2.pdf  (til skærm, mail og hjemmeprinter)",
        "nyhedsbrev/2013-2-tryk.pdf  (til trykkeriet: A5 med 3 mm beskæring)",
        "nyhedsbrev/2013-2-haefte.pdf  (til kopimaskinen: A4 liggende, dobbeltsidet, vend på den korte kant, "
        "fold og hæft)",
    ]
    assert report.summary() == "Nyhedsbrev 2013-2: 3 PDF på 4,2 s."


def test_newsletter_names_the_issues_there_are(site):
    site.write(
        {
            "newsletter/2013-1/index.md": "Title: Forår\nDate: 2013-03-01\n\nHej.\n",
            "newsletter/2013-10/index.md": "Title: Vinter\nDate: 2013-12-01\n\nHej.\n",
            "newsletter/2013-2/index.md": "Title: Sommer\nDate: 2013-06-01\n\nHej.\n",
        }
    )
    settings = site.settings()
    assert editor.pick_issue(settings, None) == "2013-10"  # the newest, counting 10 after 2
    assert editor.pick_issue(settings, "newsletter/2013-2/") == "2013-2"  # the folder typed as a path
    with pytest.raises(EditorError) as refused:
        editor.pick_issue(settings, "2013-4")
    assert str(refused.value) == 'Der er intet nyhedsbrev "2013-4". Der er: 2013-1, 2013-2, 2013-10.'


def test_tjek_prints_every_problem_and_exits_non_zero(site, monkeypatch, capsys):
    from invoke import Exit

    spec = importlib.util.spec_from_file_location("tasks_for_tjek", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    site.write(
        {
            "content/nyheder/a.md": NEWS.replace("Akacieparken\n", "Akaciparken\n"),
            "content/nyheder/b.md": NEWS.replace("Date: 2013-02-11 10:00", "Date: 5. marts 2013"),
        }
    )
    monkeypatch.setattr(tasks, "settings", lambda settings_file=None: site.settings())
    with pytest.raises(Exit) as stopped:
        tasks.tjek.body(None)
    assert stopped.value.code == 1
    assert stopped.value.message == "2 fejl i 2 filer. Ret dem og kør 'invoke tjek' igen."
    assert capsys.readouterr().out.splitlines() == [
        'content/nyheder/a.md:4: Estate: "Akaciparken" er ikke en afdeling. Brug en af: "Akacieparken", '
        '"Lukretiavej". Mente du "Akacieparken"?',
        'content/nyheder/b.md:2: Date: Skriv datoen som år-måned-dag: "2013-03-05".',
    ]
    (site.content / "nyheder/a.md").unlink()
    (site.content / "nyheder/b.md").unlink()
    tasks.tjek.body(None)
    assert capsys.readouterr().out == "Alt er i orden: 0 nyheder, 0 aktiviteter, 0 sider, 0 nyhedsbreve.\n"


def test_cancel_appends_after_a_value_continued_on_the_next_line():
    data = (
        "Title: Café\nStart: 2013-01-07 15:00\nRepeat: FREQ=WEEKLY;BYDAY=MO\n"
        "Cancelled: 2013-01-14,\n  2013-01-21\nLocation: Huset\n\nTekst: med kolon.\n"
    ).encode()
    assert editor.with_cancelled(data, dt.date(2013, 1, 28)) == data.replace(
        b"  2013-01-21\n", b"  2013-01-21, 2013-01-28\n"
    )


# --- Command-line slips, the guide's commands on the real content, new issues, pre-commit ---------


def project_copy(tmp_path: Path) -> Path:
    """The project's real content/ and newsletter/ with its tasks and settings, to run commands on."""
    copy = tmp_path / "projekt"
    copy.mkdir()
    for name in ("content", "newsletter"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", ".pre-commit-config.yaml"):
        shutil.copy2(ROOT / name, copy / name)
    for name in ("theme", "translations", "docs"):
        (copy / name).symlink_to(ROOT / name)
    return copy


def invoke(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`python3 -m invoke ARGS` in `folder`, as an editor types it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SITE_TODAY": "2013-03-04", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=folder, env=env, capture_output=True, encoding="utf-8", timeout=120
    )


GUIDE_COMMANDS = sorted(
    set(
        re.findall(
            r"invoke ((?:ny-nyhed|ny-aktivitet|aflys|tjek|nyt-nyhedsbrev)\b[^`\n|]*)",
            (ROOT / "docs/redaktoer.md").read_text(encoding="utf-8"),
        )
    )
)


@pytest.mark.parametrize("command", GUIDE_COMMANDS)
def test_the_guides_commands_work_on_the_real_content(tmp_path, command):
    result = invoke(project_copy(tmp_path), *shlex.split(command.strip()))
    assert (result.returncode, result.stderr) == (0, "")


def test_the_guide_names_every_command_it_is_tested_with():
    assert {c.split()[0] for c in GUIDE_COMMANDS} == {"ny-nyhed", "ny-aktivitet", "aflys", "tjek", "nyt-nyhedsbrev"}


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["ny-nyhed", "Fastelavn", "i", "Akacieparken"],
            'Der er et ord for meget: "i". Står titlen eller stedet i anførselstegn, når der er mellemrum i? '
            'Skriv fx: invoke ny-nyhed "Fastelavn i Akacieparken"',
        ),
        (["ny-nyhed"], 'Kommandoen ny-nyhed mangler TITEL. Skriv fx: invoke ny-nyhed "Fastelavn i Akacieparken"'),
        (
            ["ny-nyhed", "Fastelavn", "--afdelin", "Lukretiavej"],
            'Kommandoen kender ikke indstillingen "--afdelin". Mente du "--afdeling"? '
            "Se hjælpen med: invoke --help ny-nyhed",
        ),
        (["tjk"], 'Der er ingen kommando, der hedder "tjk". Mente du "tjek"? Se alle kommandoer med: invoke --list'),
        (
            ["nyhedsbrev", "--udgave"],
            "Indstillingen --udgave skal have en værdi efter sig. Skriv fx: invoke nyhedsbrev --udgave 2013-2",
        ),
        (
            ["aflys", "lektiecafe-boern"],
            "Kommandoen aflys mangler DATO. Skriv fx: invoke aflys lektiecafe-boern 2013-03-04",
        ),
    ],
)
def test_invokes_own_errors_are_danish(args, message):
    result = invoke(ROOT, *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")


def test_cancel_explains_a_name_that_fits_several_and_accepts_the_path(tmp_path):
    copy = project_copy(tmp_path)
    result = invoke(copy, "aflys", "lektiecafe", "2013-03-04")
    assert (result.returncode, result.stderr) == (
        1,
        'Flere aktiviteter begynder med "lektiecafe": lektiecafe-boern, lektiecafe-voksne. '
        'Skriv hele navnet, fx "lektiecafe-boern".\n',
    )
    result = invoke(copy, "aflys", "content/kalender/lektiecafe-voksne.md", "2013-03-05")
    assert result.stdout.splitlines()[0] == "Aflyst: 2013-03-05 i content/kalender/lektiecafe-voksne.md"


def test_a_title_too_long_is_refused_and_a_long_one_gets_a_short_file_name(site):
    settings = site.settings()
    with pytest.raises(EditorError) as refused:
        editor.new_news(settings, "Fastelavn " * 30 + "!", now=NOW)
    assert str(refused.value) == (
        "Titel: Titlen er 301 tegn lang; den må højst være 120. Gør den kortere, og skriv resten i teksten."
    )
    title = "Stor fastelavnsfest for hele familien i beboerhuset med tøndeslagning, kåring af kattekonger og boller"
    path = editor.new_news(settings, title, now=NOW)
    assert path.name == "2013-03-05-stor-fastelavnsfest-for-hele-familien-i-beboerhuset-med.md"
    event = editor.new_event(settings, title, "2013-03-05 15:00")
    assert event.name == "stor-fastelavnsfest-for-hele-familien-i-beboerhuset-med.md"
    assert "Slug: stor-fastelavnsfest-for-hele-familien-i-beboerhuset-med\n" in event.read_text(encoding="utf-8")


ISSUE_INDEX = "Title: Nyhedsbrev · Vinter 2013\nDate: 2013-12-01\n\nKære beboere.\n"


def test_new_issue_starts_the_next_season_from_the_last_issue(site):
    site.write(
        {
            "newsletter/2013-4/index.md": ISSUE_INDEX,
            "newsletter/2013-4/30-driften.md": "Title: Nyt fra driften\n\nVinteren er her.\n",
            "newsletter/2013-4/30-driften.ar.md": "Title: أخبار\nLang: ar\n\nنص.\n",
        }
    )
    folder = editor.new_issue(site.settings())
    assert folder == site.root / "newsletter/2014-1"
    assert sorted(p.name for p in folder.iterdir()) == ["30-driften.md", "index.md"]
    assert (folder / "index.md").read_text(encoding="utf-8") == (
        "Title: Nyhedsbrev · Forår 2014\nDate: 2014-03-01\nCovers: 2014-03-01 .. 2014-05-31\n\nSkriv lederen her.\n"
    )
    assert editor.check_all(site.settings()).lines() == [
        'newsletter/2014-1/30-driften.md:3: Skabelonens eksempeltekst "Skriv afsnittet her." står her stadig. '
        "Skriv din egen tekst i stedet.",
        'newsletter/2014-1/index.md:5: Skabelonens eksempeltekst "Skriv lederen her." står her stadig. '
        "Skriv din egen tekst i stedet.",
    ]
    assert editor.new_issue(site.settings()) == site.root / "newsletter/2014-2"  # summer 2014
    assert "Date: 2014-06-01\n" in (site.root / "newsletter/2014-2/index.md").read_text(encoding="utf-8")


def test_the_first_issue_is_the_coming_season(site):
    folder = editor.new_issue(site.settings(), today=dt.date(2013, 1, 20))
    assert folder == site.root / "newsletter/2013-1"
    assert "Title: Nyhedsbrev · Forår 2013\nDate: 2013-03-01\n" in (folder / "index.md").read_text(encoding="utf-8")


def test_pre_commit_runs_tjek_and_refuses_a_broken_file(tmp_path):
    copy = project_copy(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    git = functools.partial(subprocess.run, cwd=copy, env=env, capture_output=True, encoding="utf-8", timeout=120)
    git(["git", "init", "-q"])
    broken = copy / "content/nyheder/2013-01-07-rum-for-liv-er-begyndt.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("Date:", "Dato:", 1), encoding="utf-8")
    git(["git", "add", "."])
    result = git([sys.executable, "-m", "pre_commit", "run", "--files", str(broken.relative_to(copy))])
    assert result.returncode == 1
    assert (
        'content/nyheder/2013-01-07-rum-for-liv-er-begyndt.md:2: Dato: Ukendt felt. Felterne skrives på engelsk: skriv "Date".'
        in result.stdout
    )
