"""`invoke vis`: the site on http://localhost:8000, built again within a second of each save.

Three processes, so the one that builds starts no thread (a build forks, and a
fork of a process with threads can deadlock):
- this one builds, and waits for the other two without threads (`selectors`);
- a server (`serve`, a process of its own) answers the browser from `output/`;
- a watcher (`watch`) prints a line when files under content/, newsletter/,
  theme/ or the settings change.
A save rebuilds the site at once with the newsletter issues' last PDFs left in
place (printing an issue takes seconds); the issues it changed are then printed
by a full build in the background, and the preview says when they are ready.
A save meanwhile stops that build and starts over.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rumforliv.build.run import BuildFailed
from rumforliv.editor.commands import EditorError, build_site
from rumforliv.newsletter.issues import PRINT_LATER

WATCHED = ("content", "newsletter", "theme", "pelicanconf.py")


class Preview:
    """The build loop: a fast build per save, the newsletters printed behind it."""

    def __init__(self, root: Path, settings_file: Path, say: Callable[[str], None] = print, verbose: bool = False):
        self.root, self.settings_file, self.say, self.verbose = root, settings_file, say, verbose
        self.printing: subprocess.Popen | None = None  # the background build that prints the newsletters
        self.waiting: list[str] = []  # issues whose PDFs are from before the last change

    def build(self, quick: bool) -> bool:
        """Build the site (quick: without printing changed newsletters); False if it stopped on a mistake."""
        self.stop_printing()
        lines = []
        overrides = {PRINT_LATER: True} if quick else {}
        try:
            report = build_site(self.settings_file, verbose=self.verbose, say=lines.append, **overrides)
        except (EditorError, BuildFailed) as error:
            self.say(f"Bygningen stoppede. Ret dette, og gem igen:\n\n{error}")
            return False
        self.waiting = [line.split()[1] for line in lines if line.endswith("trykkes senere")]
        later = f" Nyhedsbrev {', '.join(self.waiting)} trykkes i baggrunden …" if self.waiting else ""
        self.say(f"{report.summary()} {time.strftime('%H:%M:%S')}{later}")
        if self.waiting:
            self.printing = subprocess.Popen(
                [sys.executable, "-m", "rumforliv.editor.preview", "print", str(self.settings_file)],
                cwd=self.root,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return True

    def printed(self) -> None:
        """The background build ended: say so, with its complaint if it failed."""
        output = self.printing.stdout.read().decode("utf-8", "replace").strip()
        code = self.printing.wait()
        self.printing = None
        if code == 0:
            self.say(f"Nyhedsbrev {', '.join(self.waiting)} er trykt og ligger på siden. {time.strftime('%H:%M:%S')}")
        else:
            self.say(f"Nyhedsbrevet kunne ikke trykkes:\n{output}")
        self.waiting = []

    def stop_printing(self) -> None:
        if self.printing is not None:
            os.killpg(self.printing.pid, signal.SIGTERM)
            self.printing.wait()
            self.printing = None


def run(root: Path, port: int = 8000, verbose: bool = False, say: Callable[[str], None] = print) -> None:
    """Build, serve on 127.0.0.1:`port`, rebuild on each save; until Ctrl+C."""
    settings_file = root / "pelicanconf.py"
    preview = Preview(root, settings_file, say, verbose)
    preview.build(quick=False)
    server = start(["serve", str(root / "output"), str(port)], root)
    watcher = start(["watch", *[str(root / name) for name in WATCHED]], root)
    try:
        watcher.stdout.readline()  # "watching"
        if not answered(server, port):
            raise EditorError(
                f"Port {port} er optaget. Luk det andet program, eller vælg en anden: invoke vis --port 8001"
            )
        say(f"Se siden på http://localhost:{port}/ (stop med Ctrl+C)")
        loop(preview, watcher)
    finally:
        preview.stop_printing()
        for process in (server, watcher):
            process.terminate()
            process.wait()


def loop(preview: Preview, watcher: subprocess.Popen) -> None:
    """Rebuild on each line from the watcher; take in the background build when it ends."""
    with selectors.DefaultSelector() as selector:
        selector.register(watcher.stdout, selectors.EVENT_READ, "watch")
        while watcher.poll() is None:
            if preview.printing is not None and preview.printing.stdout not in selector.get_map():
                selector.register(preview.printing.stdout, selectors.EVENT_READ, "print")
            for key, _ in selector.select():
                if key.data == "watch" and watcher.stdout.readline() == b"changed\n":
                    unregister_printing(selector, preview)
                    preview.build(quick=True)
                elif key.data == "print":
                    unregister_printing(selector, preview)
                    preview.printed()


def unregister_printing(selector, preview: Preview) -> None:
    if preview.printing is not None and preview.printing.stdout in selector.get_map():
        selector.unregister(preview.printing.stdout)


def start(arguments: list[str], root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rumforliv.editor.preview", *arguments], cwd=root, stdout=subprocess.PIPE
    )


def answered(server: subprocess.Popen, port: int) -> bool:
    """Whether the server says it listens (its first line), rather than stopping on a port in use."""
    line = server.stdout.readline().decode().strip()
    return line == f"listening {port}"


# --- The other two processes ---------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves output/ as the web host will: /kalender/ is /kalender/index.html; no log per request."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".ics": "text/calendar; charset=utf-8"}

    def log_message(self, *args):
        pass


def serve(folder: str, port: int) -> None:
    """Answer from `folder` on 127.0.0.1 (a build replaces the folder: each request finds it anew)."""
    handler = functools.partial(QuietHandler, directory=folder)
    try:
        httpd = http.server.HTTPServer(("127.0.0.1", port), handler)
    except OSError:
        print("port in use", flush=True)
        return
    print(f"listening {port}", flush=True)
    httpd.serve_forever()


def watch(paths: list[str]) -> None:
    """`watching` once the watch has begun (a save before it would go unnoticed), then a line per batch
    of changes (watchfiles groups a save's several file events)."""
    from watchfiles import watch as changes

    ready = False
    for found in changes(
        *[path for path in paths if Path(path).exists()], step=30, rust_timeout=500, yield_on_timeout=True
    ):
        if not ready:
            print("watching", flush=True)
            ready = True
        if found:
            print("changed", flush=True)


def print_newsletters(settings_file: str) -> None:
    """The background build: the whole site with every newsletter printed."""
    try:
        build_site(settings_file, say=lambda line: None)
    except (EditorError, BuildFailed) as error:
        print(error)
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rumforliv.editor.preview")
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve")
    serving.add_argument("folder")
    serving.add_argument("port", type=int)
    watching = commands.add_parser("watch")
    watching.add_argument("paths", nargs="+")
    printing = commands.add_parser("print")
    printing.add_argument("settings_file")
    previewing = commands.add_parser("run")  # what `invoke vis` runs, for the benchmark
    previewing.add_argument("root")
    previewing.add_argument("port", type=int)
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            run(Path(args.root).resolve(), args.port, say=lambda text: print(text, flush=True))
        elif args.command == "serve":
            serve(args.folder, args.port)
        elif args.command == "watch":
            watch(args.paths)
        else:
            print_newsletters(args.settings_file)
    except EditorError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
