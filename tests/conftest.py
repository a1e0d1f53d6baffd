"""Shared fixtures: build a tiny site in a temporary folder and read it back."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import textwrap
import threading
from pathlib import Path

import pytest

from rumforliv.build.run import build, load_settings
from rumforliv.wording import catalogues

ROOT = Path(__file__).resolve().parent.parent

TODAY = "2013-03-04"  # a Monday in the plan's first year


@pytest.fixture(autouse=True)
def project_catalogues():
    """Words are translated by the project's catalogues, as in a build of the project (a build of another
    folder, in the test before, may have pointed them elsewhere)."""
    catalogues.use(ROOT / "translations")


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path):
    """Serve a built site on a free local port, for the browser checks; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class TinySite:
    """A site folder with content/ and newsletter/, built on demand."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        for folder in ("nyheder", "kalender", "sider"):
            (self.content / folder).mkdir(parents=True, exist_ok=True)
        (root / "newsletter").mkdir(exist_ok=True)

    def overrides(self, **extra) -> dict:
        return {
            "PATH": str(self.content),
            "THEME": str(ROOT / "theme"),
            "NEWSLETTER_PATH": str(self.root / "newsletter"),
            "CACHE_PATH": str(self.root / "cache"),
            "POSTER_MONTHS": 0,  # posters take a second to print: only the tests of posters ask for them
            "SMS_WEEKS": 0,  # likewise the week's texts, only in their tests
            # An edition costs a print: only the languages an issue's sections are translated into, unless a test asks.
            "NEWSLETTER_LANGUAGES": [],
            **extra,
        }

    def write(self, files: dict[str, str]) -> TinySite:
        write_files(self.root, files)
        return self

    def settings(self, **extra) -> dict:
        return load_settings(ROOT / "pelicanconf.py", **self.overrides(**extra))

    def build(self, today: str = TODAY, **extra) -> Path:
        os.environ["SITE_TODAY"] = today
        return build(ROOT / "pelicanconf.py", self.output, **self.overrides(**extra))

    def read(self, relative: str) -> str:
        return (self.output / relative).read_text(encoding="utf-8")


def copy_project(root: Path, monkeypatch) -> Path:
    """The project's code, theme and settings in `root` with tiny content, where its invoke tasks run as in
    a checkout (the workflows' commands, `invoke redaktion`)."""
    import shutil

    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", ".gitignore"):
        shutil.copy(ROOT / name, root / name)
    for name in ("theme", "translations", "docs"):
        shutil.copytree(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    write_files(
        root,
        {
            "content/nyheder/2013-02-11-fastelavn.md": NEWS,
            "content/kalender/lektiecafe.md": HOMEWORK,
            "content/sider/.keep": "",
            "newsletter/.keep": "",
        },
    )
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "plugins"), os.environ.get("PYTHONPATH")]))
    )
    return root


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_TODAY", TODAY)
    return TinySite(tmp_path)


NEWS = """
    Title: Fastelavn i Akacieparken
    Date: 2013-02-11 10:00
    Category: Beboernetværk, inddragelse og demokrati
    Estate: Akacieparken
    Tags: fest, børn

    120 børn slog katten af tønden.
"""

HOMEWORK = """
    Title: Lektiecafé for børn og unge
    Start: 2013-01-07 15:00
    End: 2013-01-07 17:00
    Repeat: FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20161231
    Except: 2013-02-11, 2013-02-13
    Cancelled: 2013-03-04
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Akacieparken
    Category: Uddannelse, beskæftigelse og erhverv
    Audience: børn, unge
    Organizer: Dansk Flygtningehjælp
    Slug: lektiecafe

    Få hjælp til lektierne.
"""
