"""`invoke redaktion`: the browser editor on this computer.

decap-server (npm) reads and writes the project's git repository for Decap CMS at /admin/; in git mode
an unsaved change is a branch ("cms/..."), so drafts and review work as on the git host. It listens on
127.0.0.1 only: nobody else on the network can write to the files.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from rumforliv.editor.commands import EditorError

LOOPBACK = "127.0.0.1"
LOG = "cache/decap-server.log"  # what decap-server said, for finding faults (cache/ is not in git)
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


def check_clean(root: Path) -> None:
    """decap-server commits everything in the folder (`git add .`) when it saves: unsaved work of the IT
    volunteer would end up in a board member's draft."""
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True)
    changed = status.stdout.splitlines()
    if changed:
        shown = "\n".join(changed[:10])
        raise EditorError(
            "Projektmappen har ændringer, der ikke er gemt i git. Redigeringen i browseren ville tage dem med "
            f"i den næste kladde. Gem dem først (git commit) eller læg dem væk (git stash):\n{shown}"
        )


def start_server(root: Path, port: int) -> subprocess.Popen:
    """decap-server in git mode on 127.0.0.1:port, over this repository; waits until it answers."""
    check_repository(root)
    check_clean(root)
    script = server_script(root)
    env = {**os.environ, "MODE": "git", "BIND_HOST": LOOPBACK, "PORT": str(port), "GIT_REPO_DIRECTORY": str(root)}
    log = root / LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as written:
        server = subprocess.Popen(["node", str(script)], cwd=root, env=env, stdout=written, stderr=subprocess.STDOUT)
    if not answers(f"http://{LOOPBACK}:{port}/api/v1", server):
        stop(server)
        said = log.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        raise EditorError(f"decap-server startede ikke ({LOG}):\n{said}")
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


# --- The preview: what is published on the branch, rebuilt when it changes ---------------------------

PREVIEW_COPY = "cache/redaktion"  # the branch's content folders, exported here for the preview's build
CONTENT_FOLDERS = ("content", "newsletter")


def branch_commit(root: Path, branch: str) -> str:
    found = subprocess.run(["git", "rev-parse", "--verify", "-q", branch], cwd=root, capture_output=True, text=True)
    return found.stdout.strip()


def export_branch(root: Path, branch: str) -> Path:
    """The branch's committed content and newsletter in cache/redaktion. decap-server switches the working
    folder to draft branches while it saves, and the build writes content/kalender/revisioner.json: built
    from the working folder, the preview would show half-saved drafts and leave changes in the way of the
    next save. Built from this copy, it shows what is published and changes nothing in git."""
    copy = root / PREVIEW_COPY
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    folders = [name for name in CONTENT_FOLDERS if (root / name).is_dir()]
    archive = subprocess.run(["git", "archive", "--format=tar", branch, *folders], cwd=root, capture_output=True)
    if archive.returncode != 0:
        raise EditorError(f"Kunne ikke læse grenen {branch}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
    for name in CONTENT_FOLDERS:
        (copy / name).mkdir(exist_ok=True)
    return copy


def preview_overrides(copy: Path) -> dict:
    return {"PATH": str(copy / "content"), "NEWSLETTER_PATH": str(copy / "newsletter")}


def watch_branch(root: Path, branch: str, rebuild, changes) -> None:
    """Call rebuild(copy) now and whenever the branch gets a new commit (a save in review mode does not
    change it; publishing does). `changes` yields on any change in the project folder (watchfiles)."""
    built = None
    for _ in itertools.chain([None], changes):
        commit = branch_commit(root, branch)
        if commit and commit != built:
            rebuild(export_branch(root, branch))
            built = commit
