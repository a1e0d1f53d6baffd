"""`invoke redaktion`: the browser editor on this computer.

decap-server (npm) reads and writes the project's git repository for Decap CMS at /admin/; in git mode
an unsaved change is a branch ("cms/..."), so drafts and review work as on the git host. It listens on
127.0.0.1 only: nobody else on the network can write to the files.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from rumforliv.editor.commands import EditorError

LOOPBACK = "127.0.0.1"
PORT_SETTING = "CMS_LOCAL_PORT"  # the environment variable pelicanconf.py reads for /admin/config.yml


def check_free(port: int, what: str, option: str) -> None:
    """A port another program holds gets a message saying what to do, not a traceback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise EditorError(
                f"Port {port} ({what}) er optaget: måske kører `invoke redaktion` eller `invoke vis` allerede "
                f"i et andet vindue. Stop det med Ctrl+C, eller vælg en anden port med {option}."
            ) from None


def server_script(root: Path) -> Path:
    script = root / "node_modules" / "decap-server" / "dist" / "index.js"
    if not script.is_file() or shutil.which("node") is None:
        raise EditorError("decap-server mangler. Kør `npm ci` i projektmappen (kræver Node.js).")
    return script


def check_repository(root: Path) -> None:
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise EditorError(f"{root} er ikke et git-arkiv. Hent projektet med `git clone`, så virker redigeringen.")


def start_server(root: Path, port: int) -> subprocess.Popen:
    """decap-server in git mode on 127.0.0.1:port, over this repository; waits until it answers."""
    check_repository(root)
    script = server_script(root)
    env = {**os.environ, "MODE": "git", "BIND_HOST": LOOPBACK, "PORT": str(port), "GIT_REPO_DIRECTORY": str(root)}
    server = subprocess.Popen(
        ["node", str(script)], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if not answers(f"http://{LOOPBACK}:{port}/api/v1", server):
        stop(server)
        raise EditorError(f"decap-server startede ikke: {(server.stderr.read() or '').strip()[-500:]}")
    return server


def answers(url: str, server: subprocess.Popen, seconds: float = 20) -> bool:
    request = urllib.request.Request(
        url, data=b'{"action":"info"}', headers={"Content-Type": "application/json"}, method="POST"
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.2)
    return False


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
