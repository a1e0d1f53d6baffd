"""Everyday commands: `invoke --list` shows them, `invoke NAME --help` explains one."""

import os
import shutil
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))


def run_build(settings_file: str, **overrides) -> None:
    from rumforliv.build import BuildFailed, build

    try:
        target = build(ROOT / settings_file, **overrides)
    except BuildFailed as error:
        print("Bygningen stoppede. Ret dette og prøv igen:\n", file=sys.stderr)
        print(error, file=sys.stderr)
        sys.exit(1)
    print(f"Færdig: siden ligger i {target.relative_to(ROOT)}/")


@task
def build(c):
    """Byg hele siden (hjemmeside, kalender-feeds, nyhedsbreve) i output/."""
    run_build("pelicanconf.py")


@task
def serve(c, port=8000):
    """Vis siden på http://localhost:8000 og byg igen, når en fil ændres."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
    import threading
    from watchfiles import watch

    run_build("pelicanconf.py")
    server = RootedHTTPServer(str(ROOT / "output"), ("127.0.0.1", int(port)), ComplexHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Se siden på http://localhost:{port}/ (stop med Ctrl+C)")
    for _ in watch(ROOT / "content", ROOT / "theme", ROOT / "newsletter", ROOT / "pelicanconf.py"):
        run_build("pelicanconf.py")


@task
def test(c):
    """Kør alle tests."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task
def clean(c):
    """Slet den byggede side (output/) og cachen."""
    for folder in ("output", "cache"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)
