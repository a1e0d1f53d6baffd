"""Everyday commands: `invoke --list` shows them, `invoke NAME --help` explains one.

Each task only calls a function in plugins/rumforliv/editor/commands.py, where the
work and the Danish messages live (and are tested).
"""

import gc
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

from rumforliv.editor.cli import install as danish_errors

ROOT = Path(__file__).resolve().parent
danish_errors()  # invoke's own errors ("No idea what 'i' is!") in Danish

PREVIEW = ROOT / "pelicanconf.py"
PUBLISH = ROOT / "publishconf.py"
DETAILS = {"detaljer": "Vis også Pelicans egne meddelelser (til fejlsøgning)."}


def settings(settings_file=PREVIEW):
    from rumforliv.editor.commands import load_quietly

    return load_quietly(settings_file)


def editor_task(work):
    """Run one editor function; its EditorError becomes a plain message and exit status 1."""
    from rumforliv.build.run import BuildFailed
    from rumforliv.editor.commands import EditorError

    try:
        return work()
    except EditorError as error:
        raise Exit(str(error), code=1) from None
    except BuildFailed as error:
        raise Exit(f"Bygningen stoppede. Ret dette og prøv igen:\n\n{error}", code=1) from None


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def run_build(settings_file=PREVIEW, verbose=False):
    from rumforliv.editor.commands import build_site

    report = editor_task(lambda: build_site(settings_file, verbose=verbose))
    print(report.summary())
    print(f"Siden ligger i {shown(report.output)}/")


@task(aliases=["build"], help=DETAILS)
def byg(c, detaljer=False):
    """Byg hele siden (hjemmeside, kalender-feeds, nyhedsbreve) i output/."""
    run_build(PREVIEW, detaljer)
    gc.freeze()  # the command ends here: its last collection need not walk the whole build's objects


@task(aliases=["serve"], help={"port": "Portnummeret (standard 8000).", **DETAILS})
def vis(c, port=8000, detaljer=False):
    """Vis siden på http://localhost:8000 og byg igen, når en fil gemmes."""
    from rumforliv.editor import preview

    try:
        editor_task(lambda: preview.run(ROOT, int(port), verbose=detaljer))
    except KeyboardInterrupt:
        print("\nForhåndsvisningen er stoppet.")


@task(
    aliases=["edit"],
    help={
        "port": "Forhåndsvisningens port (standard 8000).",
        "cms_port": "decap-servers port (standard 8081).",
        **DETAILS,
    },
)
def redaktion(c, port=8000, cms_port=8081, detaljer=False):
    """Redigér i browseren på http://localhost:8000/admin/ med forhåndsvisning; stop med Ctrl+C."""
    import os

    from rumforliv.editor import editing, preview

    editor_task(lambda: editing.check_free(int(port), "forhåndsvisningen", "--port"))
    editor_task(lambda: editing.check_free(int(cms_port), "decap-server", "--cms-port"))
    os.environ[editing.PORT_SETTING] = str(cms_port)  # pelicanconf.py writes it into /admin/config.yml
    branch = settings()["CMS_BACKEND"].get("branch", "main")
    server = editor_task(lambda: editing.start_server(ROOT, int(cms_port)))

    def rebuild(copy):
        from rumforliv.editor.commands import build_site

        try:
            report = editor_task(lambda: build_site(PREVIEW, verbose=detaljer, **editing.preview_overrides(copy)))
            print(report.summary())
        except Exit as stop:  # keep serving while the board fixes the file
            print(stop.message, file=sys.stderr)

    # The preview's server and watcher run in processes of their own, as in `invoke vis`: this one builds
    # (and forks), so it starts no thread.
    (ROOT / "output").mkdir(exist_ok=True)
    serving = preview.start(["serve", str(ROOT / "output"), str(port)], ROOT)
    watcher = preview.start(["watch", str(ROOT / ".git"), str(ROOT / "theme"), str(ROOT / "pelicanconf.py")], ROOT)
    try:
        watcher.stdout.readline()  # "watching"
        print(f"Redigér i browseren på http://localhost:{port}/admin/ (stop med Ctrl+C).")
        print(f"Siden, som den er udgivet på grenen {branch}, ses på http://localhost:{port}/")
        changes = (line for line in iter(watcher.stdout.readline, b"") if line == b"changed\n")
        editing.watch_branch(ROOT, branch, rebuild, changes)
    except KeyboardInterrupt:
        pass
    finally:
        editing.stop(server)
        for process in (serving, watcher):
            process.terminate()
            process.wait()
    print("Redigeringen er stoppet.")


@task(aliases=["check"], help={"ret": "Ret de usynlige tegn, hvis betydning er entydig, og sig hvad der blev ændret."})
def tjek(c, ret=False):
    """Tjek alle filer og vis hver fejl som fil:linje: felt: besked."""
    from rumforliv.editor.commands import check_all, repair

    if ret:
        for line in repair(settings()):
            print(line)
    report = check_all(settings())
    for line in report.lines():
        print(line)
    if not report.ok:
        raise Exit(report.summary(), code=1)
    print(report.summary())


@task(
    aliases=["new-news"],
    help={
        "titel": 'Nyhedens overskrift, fx "Fastelavn i Akacieparken".',
        "afdeling": 'Afdelingen(e), fx "Akacieparken" eller "Akacieparken,Lukretiavej" (standard: begge).',
        "kategori": 'Indsatsområdet; begyndelsen er nok, fx "børn" (standard: det første).',
    },
)
def ny_nyhed(c, titel, afdeling=None, kategori=None):
    """Lav en ny nyhed i content/nyheder/ ud fra en skabelon og vis filens navn."""
    from rumforliv.editor.commands import new_news

    path = editor_task(lambda: new_news(settings(), titel, afdeling, kategori))
    print(shown(path))


@task(
    aliases=["new-event"],
    help={
        "titel": 'Aktivitetens navn, fx "Lektiecafé for børn".',
        "start": 'Første gang: "2013-03-05 15:00" (eller kun datoen for en heldagsaktivitet).',
        "slut": 'Slut: et klokkeslæt "17:00" samme dag, eller "2013-03-05 17:00".',
        "ugentlig": 'Gentag hver uge på disse dage, fx "ti" eller "ma,on,to".',
        "indtil": 'Sidste dato for en gentaget aktivitet, fx "2016-12-31".',
        "sted": "Hvor aktiviteten foregår (standard: sekretariatets adresse).",
        "afdeling": 'Afdelingen(e), fx "Lukretiavej" (standard: begge).',
        "kategori": 'Indsatsområdet; begyndelsen er nok, fx "uddannelse" (standard: det første).',
    },
)
def ny_aktivitet(c, titel, start, slut=None, ugentlig=None, indtil=None, sted=None, afdeling=None, kategori=None):
    """Lav en ny aktivitet i content/kalender/ ud fra en skabelon og vis filens navn."""
    from rumforliv.editor.commands import new_event

    path = editor_task(lambda: new_event(settings(), titel, start, slut, ugentlig, indtil, sted, afdeling, kategori))
    print(shown(path))


@task(
    aliases=["cancel"],
    help={
        "aktivitet": "Aktivitetens filnavn uden .md, fx lektiecafe-boern.",
        "dato": 'Den dag der aflyses, fx "2013-03-04".',
    },
)
def aflys(c, aktivitet, dato):
    """Aflys én dato af en aktivitet og dens oversættelser (skrives i Cancelled:, resten røres ikke)."""
    from rumforliv.editor.commands import cancel

    changed = editor_task(lambda: cancel(settings(), aktivitet, dato))
    for path in changed:
        print(f"Aflyst: {dato} i {shown(path)}")
    if not changed:
        print(f"{dato} var allerede aflyst.")


@task(aliases=["new-newsletter"])
def nyt_nyhedsbrev(c):
    """Lav mappen til næste nyhedsbrev (nummer, sæson og dato) ud fra en skabelon og vis dens filer."""
    from rumforliv.editor.commands import new_issue

    folder = editor_task(lambda: new_issue(settings()))
    for path in sorted(folder.glob("*.md")):
        print(shown(path))


@task(
    aliases=["newsletter"],
    help={"udgave": 'Udgaven, fx "2013-1" (standard: den nyeste).', **DETAILS},
)
def nyhedsbrev(c, udgave=None, detaljer=False):
    """Lav nyhedsbrevets PDF'er (til skærm, trykkeri og kopimaskine)."""
    from rumforliv.editor.commands import build_newsletter

    report = editor_task(lambda: build_newsletter(PREVIEW, udgave, verbose=detaljer))
    for line in report.described(shown):
        print(line)
    print(report.summary())


@task(
    aliases=["posters"],
    help={
        "maaned": 'Måneden, fx "2013-06" (standard: denne måned).',
        "afdeling": "Kun denne afdeling (standard: alle).",
        "a3": "Lav opslaget i A3 i stedet for A4.",
        **DETAILS,
    },
)
def opslag(c, maaned=None, afdeling=None, a3=False, detaljer=False):
    """Lav månedens opslag til opgangene (én A4-side pr. afdeling)."""
    from rumforliv.editor.commands import build_posters

    for path in editor_task(lambda: build_posters(PREVIEW, maaned, afdeling, a3, verbose=detaljer)):
        print(shown(path))


@task(
    aliases=["report"],
    help={
        "aar": 'Året, fx "2014".',
        "log": "Webserverens adgangslog (Common Log Format), til at tælle læsere.",
        **DETAILS,
    },
)
def rapport(c, aar, log=None, detaljer=False):
    """Lav årets rapport om succeskriterierne (HTML og PDF) til følgegruppen og bestyrelserne."""
    from rumforliv.editor.commands import build_report

    for path in editor_task(lambda: build_report(PREVIEW, aar, log, verbose=detaljer)):
        print(shown(path))


@task(
    aliases=["publish"],
    help={"til": "Udgiv et andet sted end PUBLISH_TARGET i publishconf.py.", **DETAILS},
)
def udgiv(c, til=None, detaljer=False):
    """Tjek alt, byg med publishconf.py og kopier siden ud på serveren."""
    from rumforliv.editor.commands import publish

    where = editor_task(lambda: publish(PUBLISH, til, verbose=detaljer))
    print(f"Udgivet til {where}")


@task
def test(c):
    """Kør alle tests."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task(aliases=["clean"])
def ryd(c):
    """Slet den byggede side (output/) og cachen."""
    for folder in ("output", "cache"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)


@task(
    help={
        "quick": "Small sizes, one run: a smoke test of the benchmark itself.",
        "runs": "Runs per measurement; the median is shown (default 3).",
        "sizes": "Size factors, the first is the main one (default 1,0.25,0.5,2).",
        "profile": "Profile one cold build instead (where the time goes).",
    }
)
def bench(c, quick=False, runs=3, sizes="1,0.25,0.5,2", profile=False):
    """Measure build speed, memory and page weight on synthetic content (bench/run.py)."""
    args = ["--runs", str(runs), "--sizes", sizes] + (["--quick"] if quick else []) + (["--profile"] if profile else [])
    c.run(f"{sys.executable} {ROOT / 'bench' / 'run.py'} {' '.join(args)}", pty=False)


@task(aliases=["translations"], help={"tjek": "Tjek kun; ret intet (fejler, hvis noget mangler)."})
def oversaettelser(c, tjek=False):
    """Find nye tekster i skabelonerne og opdatér translations/ (se translations/README.md)."""
    c.run(f"{sys.executable} {ROOT / 'scripts' / 'update_translations.py'}" + (" --check" if tjek else ""), pty=False)


@task(aliases=["keep-revisions"])
def gem_kalendernumre(c):
    """Læg kalendernes ændringsnumre (revisioner.json) i git efter bygningen, og send dem til grenen (CI)."""
    from rumforliv.editor.revisions import keep_revisions

    print(editor_task(lambda: keep_revisions(settings(), ROOT)))
