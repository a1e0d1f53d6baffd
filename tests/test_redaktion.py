"""`invoke redaktion`: decap-server (git mode) and the preview start on loopback, and Ctrl+C stops both."""

from __future__ import annotations

import contextlib
import json
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

from conftest import ROOT, TODAY, copy_project

SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    if shutil.which("node") is None or not SERVER.is_file():
        pytest.skip("node or decap-server is not installed (npm ci, scripts/setup.sh)")
    monkeypatch.setenv("SITE_TODAY", TODAY)
    root = copy_project(tmp_path, monkeypatch)
    # As in the project: the build's revisioner.json (content/kalender) is committed with the content.
    subprocess.run([sys.executable, "-m", "invoke", "byg"], cwd=root, check=True, capture_output=True)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "start", cwd=root)
    return root


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", "redaktion", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def wait_for(url: str, data: bytes | None = None, seconds: float = 120) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def wait_for_config(preview: int, cms: int, seconds: float = 120) -> bool:
    """True once the preview's /admin/config.yml (rebuilt by `invoke redaktion`) points at its decap-server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if f"http://127.0.0.1:{cms}/api/v1" in wait_for(f"http://127.0.0.1:{preview}/admin/config.yml").decode():
                return True
        time.sleep(0.3)
    return False


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_redaktion_serves_the_editor_and_decap_server_on_loopback_and_stops_on_ctrl_c(checkout):
    preview, cms = free_port(), free_port()
    process = start(checkout, "--port", str(preview), "--cms-port", str(cms))
    try:
        info = json.loads(wait_for(f"http://127.0.0.1:{cms}/api/v1", b'{"action":"info"}'))
        assert info["type"] == "local_git" and "editorial_workflow" in info["publish_modes"]
        assert listening_addresses(cms) == {"0100007F"}  # 127.0.0.1, nothing else
        page = wait_for(f"http://127.0.0.1:{preview}/admin/").decode("utf-8")
        assert "decap-cms.js" in page
        assert wait_for_config(preview, cms)  # /admin/ finds this decap-server
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert f"http://localhost:{preview}/admin/" in output
    assert "Redigeringen er stoppet." in output
    assert listening_addresses(cms) == listening_addresses(preview) == set()  # both stopped


def test_a_port_in_use_gets_a_danish_message(checkout):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "redaktion", "--port", str(free_port()), "--cms-port", str(taken)],
            cwd=checkout,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    assert result.returncode == 1
    assert f"Port {taken} (decap-server) er optaget" in result.stderr and "--cms-port" in result.stderr
    assert "Traceback" not in result.stderr


def test_unsaved_work_in_the_folder_stops_it_in_danish(checkout):
    (checkout / "content" / "nyheder" / "udkast.md").write_text("Title: Halvfærdig\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "redaktion", "--port", str(free_port()), "--cms-port", str(free_port())],
        cwd=checkout,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ikke er gemt i git" in result.stderr and "content/nyheder/udkast.md" in result.stderr
