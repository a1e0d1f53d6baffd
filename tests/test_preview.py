"""`invoke vis`: a save is served at once, the newsletters follow in the background, Ctrl+C stops it all."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import NEWS, ROOT, TODAY, write_files

ISSUE = """
    Title: Nyhedsbrev · Forår 2013
    Date: 2013-03-01

    Velkommen til forårets nyhedsbrev.
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project(root: Path) -> Path:
    """A project folder as a volunteer has it: the settings, theme and catalogues, and a little content."""
    root.mkdir(parents=True)
    for name in ("pelicanconf.py", "theme", "translations", "docs"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    with (root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("NEWSLETTER_LANGUAGES = []  # the Danish issue only: an edition costs a print\n")
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # /admin/'s Decap CMS, installed by npm ci
    write_files(
        root,
        {
            "content/nyheder/fastelavn.md": NEWS,
            "newsletter/2013-1/index.md": ISSUE,
        },
    )
    (root / "content" / "kalender").mkdir()
    (root / "content" / "sider").mkdir()
    return root


def read_until(process: subprocess.Popen, words: str, limit: float = 120) -> list[str]:
    """The preview's lines up to one holding `words`."""
    lines, started = [], time.monotonic()
    while time.monotonic() - started < limit:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if words in line:
            return lines
    raise AssertionError(f"no line with {words!r}: {lines}")


def page(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except OSError:
        return ""


@pytest.fixture
def preview(tmp_path):
    root, port = project(tmp_path / "projekt"), free_port()
    command = [sys.executable, "-m", "rumforliv.editor.preview", "run", str(root), str(port)]
    process = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, "SITE_TODAY": TODAY, "PYTHONIOENCODING": "utf-8"},
        stdout=subprocess.PIPE,
        encoding="utf-8",  # not the locale's: a build in this process may have set it to C
        start_new_session=True,
    )
    yield root, port, process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_save_is_served_at_once_and_the_newsletter_follows(preview):
    root, port, process = preview
    read_until(process, "Se siden på")
    url = f"http://127.0.0.1:{port}/nyheder/2013/fastelavn-i-akacieparken/"
    assert "Fastelavn" in page(url)
    news = root / "content" / "nyheder" / "fastelavn.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nKatten blev slået af tønden kl. 11.\n", encoding="utf-8")
    started = time.monotonic()
    while "Katten blev slået" not in page(url):
        assert time.monotonic() - started < 60, "the changed page was never served"
        time.sleep(0.05)
    built = read_until(process, "Bygget")[-1]
    assert "Nyhedsbrev 2013-1 trykkes i baggrunden" in built  # the item is in the issue: printed afterwards
    assert "Nyhedsbrev 2013-1 er trykt og ligger på siden" in read_until(process, "er trykt")[-1]
    pdf = urllib.request.urlopen(f"http://127.0.0.1:{port}/nyhedsbrev/2013-1.pdf", timeout=5).read()
    assert pdf.startswith(b"%PDF") and "Katten blev slået".encode() not in pdf  # text is in compressed streams
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal reaches the whole group
    assert process.wait(timeout=30) == 0
    assert page(url) == ""  # the server stopped with it


def test_a_mistake_is_told_and_the_last_site_stays(preview):
    root, port, process = preview
    read_until(process, "Se siden på")
    news = root / "content" / "nyheder" / "fastelavn.md"
    news.write_text(news.read_text(encoding="utf-8").replace("Date: 2013-02-11", "Date: 2013-02-30"), encoding="utf-8")
    told = read_until(process, "Ret dette")
    assert told[-1].startswith("Bygningen stoppede")
    assert "Fastelavn" in page(f"http://127.0.0.1:{port}/nyheder/2013/fastelavn-i-akacieparken/")


def test_a_port_in_use_is_told_in_danish(tmp_path):
    root = project(tmp_path / "projekt")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "rumforliv.editor.preview", "run", str(root), str(port)],
            cwd=root,
            env={**os.environ, "SITE_TODAY": TODAY, "PYTHONIOENCODING": "utf-8"},
            capture_output=True,
            encoding="utf-8",
            timeout=180,
        )
    assert result.returncode == 1
    assert f"Port {port} er optaget" in result.stderr + result.stdout
