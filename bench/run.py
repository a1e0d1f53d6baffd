"""The benchmark: how long builds take, how much memory, how heavy the pages.

    python bench/run.py                 # default size, 3 runs each, plus growth
    python bench/run.py --quick         # a small smoke run, 1 run each
    python bench/run.py --sizes 1 --runs 5
    python bench/run.py --profile       # where the time of one cold build goes

Every build runs in its own subprocess (clean caches, clean memory numbers);
times are wall-clock seconds of that subprocess, the median of --runs, with
its CPU seconds beside them (steadier when other work shares the machine).
Content comes from bench/generate.py, so every run measures the same files;
plain Pelican builds a converted copy (events as articles) with its default
theme. Page weight is also measured on the repository's own content/.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import generate  # bench/generate.py: this script's own folder is the first on sys.path

ROOT = Path(__file__).resolve().parent.parent

TODAY = "2015-03-02"  # mid-period: past and coming activities both exist
PLAN_TODAY = "2013-03-04"  # the real content/ covers 2013
TARGETS = {
    "ratio": 1.3,  # full build / plain Pelican
    "rebuild": 0.25,  # rebuild after one change / full build
    "issue": 1.5,  # seconds per newsletter issue
    "memory_mb": 500,
    "weight_kb": 40,  # front page + month grid, HTML + CSS
}


# --- One build, in a child process ------------------------------------------


class BuildRecords(logging.Handler):
    """What a build logs for the benchmark: each newsletter issue's seconds and whether it came
    from its cache, and how many pages and feeds were kept from the previous build."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.issues: list[dict] = []
        self.reused = "?"

    def emit(self, record):
        if hasattr(record, "reused"):  # the build's page memo: pages kept from the previous build
            self.reused = f"{record.reused} of {record.pages}"
        if hasattr(record, "seconds") and hasattr(record, "cached"):
            self.issues.append(
                {
                    "issue": getattr(record, "issue", "?"),
                    "seconds": record.seconds,
                    "cpu": getattr(record, "cpu_seconds", None),
                    "cached": record.cached,
                    "pages": getattr(record, "pages", None),
                }
            )


def child_build(spec: dict) -> None:
    """Run one project build as described by `spec` and print its numbers as JSON."""
    os.environ["SITE_TODAY"] = spec["today"]
    started = time.perf_counter()
    from rumforliv.build.run import build

    times = BuildRecords()
    newsletter_log = logging.getLogger("rumforliv.newsletter")
    newsletter_log.setLevel(logging.INFO)
    newsletter_log.addHandler(times)
    build_log = logging.getLogger("rumforliv.build")
    build_log.setLevel(logging.INFO)
    build_log.addHandler(times)
    build(ROOT / "pelicanconf.py", spec["output"], **spec["overrides"])
    gc.freeze()  # as `invoke byg` ends: no last collection over the build's objects (plain Pelican too)
    report(started, issues=times.issues, reused=times.reused)


def child_plain(settings_file: str) -> None:
    """Plain Pelican, as its command line runs it."""
    started = time.perf_counter()
    from pelican import main as pelican_main

    pelican_main(["-s", settings_file, "-q"])
    gc.freeze()
    report(started)


def child_profile(spec: dict) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    child_build(spec)
    profiler.disable()
    profiler.dump_stats(Path(spec["output"]).parent / "build.pstats")  # for print_callers() later
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def report(started: float, **extra) -> None:
    """Peak memory and CPU seconds of this process and its workers (a PDF pool), as JSON."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    print(
        json.dumps(
            {
                "inside": time.perf_counter() - started,
                "cpu": cpu,
                "maxrss_kb": max(own.ru_maxrss, workers.ru_maxrss),
                **extra,
            }
        )
    )


def run_child(args: list[str], env: dict | None = None) -> dict:
    """Run a child process; return its wall time and peak memory (worker processes included)."""
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    numbers = {"wall": wall}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        numbers.update(json.loads(lines[-1]))
    return numbers


class Tree:
    """One generated content tree and the folders its builds use."""

    def __init__(self, work: Path, factor: float):
        self.root = work / f"x{factor:g}"
        self.factor = factor
        self.counts = generate.generate(self.root, factor)
        self.empty_newsletters = self.root / "no-newsletter"
        self.empty_newsletters.mkdir(exist_ok=True)

    def project(self, newsletters: bool, cache: str = "cache") -> dict:
        spec = {
            "today": TODAY,
            "output": str(self.root / ("output" if newsletters else "output-site")),
            "overrides": {
                "PATH": str(self.root / "content"),
                "NEWSLETTER_PATH": str(self.root / "newsletter" if newsletters else self.empty_newsletters),
                "CACHE_PATH": str(self.root / (cache if newsletters else cache + "-site")),
            },
        }
        return run_child([sys.executable, __file__, "--child", json.dumps(spec)])

    def forget(self) -> None:
        """Cold start: no cache, no previous output."""
        for name in ("cache", "cache-site", "output", "output-site", "plain-output"):
            shutil.rmtree(self.root / name, ignore_errors=True)

    def cold(self, newsletters: bool) -> dict:
        self.forget()
        return self.project(newsletters)

    def plain(self) -> dict:
        plain = self.root / "plain"
        if not plain.exists():
            convert_to_plain(self.root / "content", plain)
        shutil.rmtree(self.root / "plain-output", ignore_errors=True)
        return run_child([sys.executable, __file__, "--child-plain", str(plain / "pelicanconf.py")])


# --- Plain Pelican on the same content ----------------------------------------

PLAIN_SETTINGS = """\
PATH = {content!r}
OUTPUT_PATH = {output!r}
ARTICLE_PATHS = ["nyheder", "kalender"]
PAGE_PATHS = ["sider"]
TIMEZONE = "Europe/Copenhagen"
DEFAULT_LANG = "da"
SITENAME = "Rum for Liv"
SITEURL = ""
DEFAULT_PAGINATION = 10
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


def convert_to_plain(content: Path, plain: Path) -> None:
    """A copy Pelican reads as it is: events become articles dated by their start."""
    for path in sorted(content.rglob("*.md")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        kept = {"Title": fields["Title"]}
        if "Date" in fields or "Start" in fields:
            date = fields.get("Date") or fields["Start"]
            kept["Date"] = date if " " in date else date + " 00:00"
        for key in ("Category", "Tags", "Summary", "Slug"):
            if key in fields:
                kept[key] = fields[key]
        target = plain / "content" / path.relative_to(content)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(f"{k}: {v}\n" for k, v in kept.items()) + "\n" + body, encoding="utf-8")
    (plain / "pelicanconf.py").write_text(
        PLAIN_SETTINGS.format(content=str(plain / "content"), output=str(plain.parent / "plain-output")),
        encoding="utf-8",
    )


# --- Edits between builds ------------------------------------------------------


def touch_one(folder: Path, run: int) -> None:
    """Change one file's body, as an editor would (a new sentence each run)."""
    path = sorted(folder.rglob("*.md"))[len(list(folder.rglob("*.md"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nRettet i kørsel {run} kl. {time.time():.0f}.\n", encoding="utf-8")


# --- Output weight ---------------------------------------------------------------


def page_weight(output: Path, page: str) -> dict:
    """Bytes of one HTML page and of each stylesheet it links or @imports (fonts aside)."""
    html_path = output / page
    html = html_path.read_text(encoding="utf-8")
    sheets: dict[Path, int] = {}
    for tag in re.findall(r'<link[^>]+rel="?stylesheet"?[^>]*>', html):
        match = re.search(r'href="([^"]+)"', tag)
        if match and not match.group(1).startswith(("http:", "https:", "//")):
            add_sheet(output, html_path.parent, match.group(1), sheets)
    return {"html": len(html.encode("utf-8")), "sheets": sheets, "scripts": len(re.findall(r"<script", html))}


def add_sheet(output: Path, base: Path, url: str, sheets: dict) -> None:
    url = url.split("?")[0].split("#")[0]
    path = (output / url.lstrip("/") if url.startswith("/") else base / url).resolve()
    if path in sheets or not path.is_file():
        return
    sheets[path] = path.stat().st_size
    for imported in re.findall(r'@import\s+(?:url\()?["\']?([^"\')\s;]+)', path.read_text(encoding="utf-8")):
        add_sheet(output, path.parent, imported, sheets)


# --- The benchmark ----------------------------------------------------------------


def median(samples: list[dict], key: str = "wall") -> float:
    return statistics.median(sample[key] for sample in samples)


def measure(tree: Tree, runs: int, newsletters: bool, plain: list | None = None) -> dict:
    """Cold build, then rebuilds after one news item and one event change, `runs` times; with `plain`,
    plain Pelican just before each cold build, so that a machine slowing down in the middle of the
    run slows both sides of the ratio alike."""
    results = {"cold": [], "news": [], "event": []}
    for run in range(runs):
        if plain is not None:
            plain.append(tree.plain())
        results["cold"].append(tree.cold(newsletters))
        touch_one(tree.root / "content" / "nyheder", run)
        results["news"].append(tree.project(newsletters))
        touch_one(tree.root / "content" / "kalender", run)
        results["event"].append(tree.project(newsletters))
    return results


def mb(samples) -> float:
    return max(sample["maxrss_kb"] for sample in samples) / 1024


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>22}  {note}")


def seconds(samples) -> str:
    """Median wall-clock seconds, and CPU seconds (steadier when the machine is busy)."""
    return f"{median(samples):6.2f} s (cpu {median(samples, 'cpu'):6.2f})"


def ratio(samples, base, target: float, strict: bool = False) -> str:
    """'0.91 x (cpu 0.88 x) ok': both ratios; the verdict goes by wall-clock time."""
    wall, cpu = median(samples) / median(base), median(samples, "cpu") / median(base, "cpu")
    ok = wall < target if strict else wall <= target
    return f"{wall:.2f} x (cpu {cpu:.2f} x), target {'<' if strict else '<='} {target}: {verdict(ok)}"


def print_issue_times(full: dict) -> None:
    """What the newsletter itself logged: seconds per printed issue, and how many a rebuild printed again."""
    printed = [i for sample in full["cold"] for i in sample.get("issues", []) if not i["cached"]]
    if printed:
        times = sorted(i["seconds"] for i in printed)
        pages = [i["pages"] for i in printed if i["pages"]]
        line(
            "  per edition, as the newsletter logs it",
            f"{statistics.median(times):6.2f} s",
            f"max {times[-1]:.2f} s, median {statistics.median(pages) if pages else '?'} pages",
        )
    for kind in ("news", "event"):
        runs = [sample.get("issues", []) for sample in full[kind]]
        again = [sum(not i["cached"] for i in issues) for issues in runs]
        line(
            f"  issues printed again after one {kind} change",
            f"{statistics.median(again):g} of {len(runs[0]) if runs else 0}",
            "the rest copied from the newsletter cache",
        )


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main_benchmark(args) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # show each number as it comes, also into a file
    work = Path(args.work or tempfile.mkdtemp(prefix="rumforliv-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"Rum for Liv benchmark · {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f} · "
        f"SITE_TODAY={TODAY} · median of {args.runs} · {work}"
    )
    main_factor, growth = args.sizes[0], args.sizes[1:]

    tree = Tree(work, main_factor)
    print(f"\nSize x{main_factor:g}: " + ", ".join(f"{v} {k}" for k, v in tree.counts.items()))
    plain: list[dict] = []
    site = measure(tree, args.runs, newsletters=False, plain=plain)
    full = measure(tree, args.runs, newsletters=True)
    issues = tree.counts["issues"]
    # Each issue is printed in every language of NEWSLETTER_LANGUAGES (an edition each): the target is per print.
    printed = max(sum(not i["cached"] for i in full["cold"][0].get("issues", [])), 1)
    newsletters = [{key: f[key] - s[key] for key in ("wall", "cpu")} for f, s in zip(full["cold"], site["cold"])]
    per_issue = [{key: value / printed for key, value in sample.items()} for sample in newsletters]

    line("plain Pelican (default theme, same content)", seconds(plain))
    line(
        "full cold build: site + feeds",
        seconds(site["cold"]),
        "vs plain " + ratio(site["cold"], plain, TARGETS["ratio"]),
    )
    line("full cold build: site + feeds + newsletters", seconds(full["cold"]))
    line(f"newsletters alone ({issues} issues, {printed} editions, difference)", seconds(newsletters))
    line(
        "  per edition (difference / editions)",
        seconds(per_issue),
        f"target < {TARGETS['issue']} s: {verdict(median(per_issue) < TARGETS['issue'])}",
    )
    print_issue_times(full)
    for kind, label in (("news", "one news item"), ("event", "one event")):
        line(
            f"rebuild after {label} changed: site",
            seconds(site[kind]),
            "vs full " + ratio(site[kind], site["cold"], TARGETS["rebuild"]),
        )
        line(
            "  pages and feeds kept from the previous build", site[kind][-1].get("reused", "?"), "the rest written anew"
        )
        line(
            f"rebuild after {label} changed: + newsletters",
            seconds(full[kind]),
            "vs full " + ratio(full[kind], full["cold"], TARGETS["rebuild"]),
        )
    memory = max(mb(site["cold"]), mb(full["cold"]), mb(full["news"]), mb(full["event"]))
    line(
        "peak memory of a build (ru_maxrss)",
        f"{memory:.0f} MB",
        f"target < {TARGETS['memory_mb']} MB: {verdict(memory < TARGETS['memory_mb'])}",
    )
    line("peak memory of plain Pelican", f"{mb(plain):.0f} MB")
    print_weight(tree.root / "output", f"synthetic content x{main_factor:g}")
    print_weight(build_plan_site(work), "the plan's own content/ (what residents get)")
    preview_latency(work, args.runs)

    if growth:
        print(f"\nGrowth (cold builds, median of {args.growth_runs}; ms per news item or event should stay flat):")
        rows = [(main_factor, site["cold"], full["cold"], tree.counts)]
        shutil.rmtree(tree.root, ignore_errors=True)
        for factor in growth:
            other = Tree(work, factor)
            cold = [other.cold(newsletters=False) for _ in range(args.growth_runs)]
            cold_nl = [other.cold(newsletters=True) for _ in range(args.growth_runs)]
            rows.append((factor, cold, cold_nl, other.counts))
            shutil.rmtree(other.root, ignore_errors=True)
        for factor, cold, cold_nl, counts in sorted(rows, key=lambda row: row[0]):
            files = counts["news"] + counts["events"]
            line(
                f"x{factor:g}: {counts['news']} news, {counts['events']} events",
                seconds(cold),
                f"{1000 * median(cold) / files:5.2f} ms/file (cpu {1000 * median(cold, 'cpu') / files:5.2f}) · "
                f"+ {counts['issues']} newsletters {median(cold_nl):.2f} s",
            )
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


PREVIEW_FILES = ("content", "newsletter", "theme", "translations", "docs", "pelicanconf.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def changed_within(url: str, marker: str, limit: float = 60) -> float:
    """Seconds until the page at `url` shows `marker`."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if marker in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                return time.monotonic() - started
        except OSError:
            pass  # between two builds
        time.sleep(0.02)
    return float("inf")


def newsletters_printed(process: subprocess.Popen, started: float) -> float | None:
    """Seconds from `started` until the preview says the newsletters are printed; None if none had to be."""
    text = process.stdout.readline()
    while text and not text.startswith("Bygget"):
        text = process.stdout.readline()
    if "trykkes i baggrunden" not in text:
        return None
    while text and "er trykt" not in text and "kunne ikke" not in text:
        text = process.stdout.readline()
    return time.monotonic() - started


def preview_latency(work: Path, runs: int) -> None:
    """`invoke vis` on a copy of the plan's own content: seconds from a save to the changed page served,
    and until the newsletters it appears in are printed again."""
    root = work / "preview"
    root.mkdir(parents=True, exist_ok=True)
    for name in PREVIEW_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # /admin/'s Decap CMS
    port = free_port()
    env = {**os.environ, "SITE_TODAY": PLAN_TODAY, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "rumforliv.editor.preview", "run", str(root), str(port)]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, encoding="utf-8", start_new_session=True
    )
    try:
        while "Se siden" not in process.stdout.readline():
            pass
        edits = {
            "news item": (
                root / "content/nyheder/2013-01-07-rum-for-liv-er-begyndt.md",
                "nyheder/2013/rum-for-liv-er-begyndt/",
            ),
            "activity": (root / "content/kalender/lektiecafe-boern.md", "kalender/lektiecafe-boern/"),
        }
        for label, (path, page) in edits.items():
            served, printed = [], []
            for run in range(runs):
                marker = f"Rettet i forhåndsvisningen {label} {run}"
                path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
                served.append(changed_within(f"http://127.0.0.1:{port}/{page}", marker))
                started = time.monotonic() - served[-1]
                printed.append(newsletters_printed(process, started))
            after = [p for p in printed if p is not None]
            line(
                f"preview: {label} saved -> page served",
                f"{statistics.median(served):.2f} s",
                f"target < 1 s: {verdict(statistics.median(served) < 1)} · "
                + (f"newsletters printed after {statistics.median(after):.1f} s" if after else "no newsletter changed"),
            )
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait()


def build_plan_site(work: Path) -> Path:
    """The repository's real content, site only, as of a day in its first year."""
    output = work / "plan-output"
    spec = {
        "today": PLAN_TODAY,
        "output": str(output),
        "overrides": {"NEWSLETTER_PATH": str(work / "no-newsletter"), "CACHE_PATH": str(work / "plan-cache")},
    }
    (work / "no-newsletter").mkdir(exist_ok=True)
    run_child([sys.executable, __file__, "--child", json.dumps(spec)])
    return output


def print_weight(output: Path, what: str) -> None:
    """Each page with its CSS; together = both pages + every stylesheet once (a browser caches them)."""
    today = TODAY if "synthetic" in what else PLAN_TODAY
    month = f"kalender/{today[:4]}/{today[5:7]}/index.html"
    html, sheets = 0, {}
    print(f"\nOutput weight, {what} (HTML + linked CSS, fonts aside):")
    for page in ("index.html", month):
        if not (output / page).is_file():
            line(page, "missing")
            continue
        weight = page_weight(output, page)
        css = sum(weight["sheets"].values())
        html += weight["html"]
        sheets.update(weight["sheets"])
        line(
            page,
            f"{(weight['html'] + css) / 1024:.1f} KB",
            f"html {weight['html'] / 1024:.1f} KB + css {css / 1024:.1f} KB, {weight['scripts']} <script>",
        )
    total = (html + sum(sheets.values())) / 1024
    line(
        "together (each stylesheet once)",
        f"{total:.1f} KB",
        f"target < {TARGETS['weight_kb']} KB: {verdict(total < TARGETS['weight_kb'])}",
    )


def main_profile(args) -> None:
    work = Path(args.work or tempfile.mkdtemp(prefix="rumforliv-profile-"))
    tree = Tree(work, args.sizes[0])
    tree.forget()
    spec = {
        "today": TODAY,
        "output": str(tree.root / "output"),
        "overrides": {
            "PATH": str(tree.root / "content"),
            "NEWSLETTER_PATH": str(tree.empty_newsletters),
            "CACHE_PATH": str(tree.root / "cache"),
        },
    }
    subprocess.run([sys.executable, __file__, "--child-profile", json.dumps(spec)], check=True)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument(
        "--sizes",
        type=lambda s: [float(x) for x in s.split(",")],
        default=[1, 0.25, 0.5, 2],
        help="size factors, the first is the main one (default 1,0.25,0.5,2)",
    )
    parser.add_argument("--growth-runs", type=int, default=1, help="runs per growth size (default 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 1 run")
    parser.add_argument(
        "--profile", action="store_true", help="profile one cold build (site + feeds) of the first size, with cProfile"
    )
    parser.add_argument("--work", help="keep the generated trees and outputs in this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", help=argparse.SUPPRESS)
    parser.add_argument("--child-plain", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_build(json.loads(args.child))
    if args.child_plain:
        return child_plain(args.child_plain)
    if args.child_profile:
        return child_profile(json.loads(args.child_profile))
    if args.quick:
        args.runs, args.sizes = 1, [0.1, 0.05]
    if args.profile:
        return main_profile(args)
    main_benchmark(args)


if __name__ == "__main__":
    main()
