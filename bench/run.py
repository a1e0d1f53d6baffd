"""The benchmark: how long builds take, how much memory, how heavy the pages.

    python bench/run.py                 # default size, 3 runs each, plus growth
    python bench/run.py --quick         # a small smoke run, 1 run each
    python bench/run.py --sizes 1 --runs 5
    python bench/run.py --profile       # where the time of one cold build goes

Every build runs in its own subprocess (clean caches, clean memory numbers);
times are wall-clock seconds of that subprocess, the median of --runs.
Content comes from bench/generate.py, so every run measures the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "plugins"))

import generate  # noqa: E402

TODAY = "2015-03-02"  # mid-period: past and coming activities both exist
TARGETS = {
    "ratio": 1.3,  # full build / plain Pelican
    "rebuild": 0.25,  # rebuild after one change / full build
    "issue": 1.5,  # seconds per newsletter issue
    "memory_mb": 500,
    "weight_kb": 40,  # front page + month grid, HTML + CSS
}


# --- One build, in a child process ------------------------------------------


def child_build(spec: dict) -> None:
    """Run one project build as described by `spec` and print its numbers as JSON."""
    os.environ["SITE_TODAY"] = spec["today"]
    started = time.perf_counter()
    from rumforliv.build import build

    build(ROOT / "pelicanconf.py", spec["output"], **spec["overrides"])
    report(started)


def child_plain(settings_file: str) -> None:
    """Plain Pelican, as its command line runs it."""
    started = time.perf_counter()
    from pelican import main as pelican_main

    pelican_main(["-s", settings_file, "-q"])
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


def report(started: float) -> None:
    """Peak memory and CPU seconds of this process and its workers (a PDF pool), as JSON."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    print(json.dumps({"inside": time.perf_counter() - started, "cpu": cpu,
                      "maxrss_kb": max(own.ru_maxrss, workers.ru_maxrss)}))


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
    """Bytes of one HTML page and the stylesheets it links (fonts aside)."""
    html_path = output / page
    html = html_path.read_text(encoding="utf-8")
    css = 0
    for href in re.findall(r'<link[^>]+rel="?stylesheet"?[^>]*>', html):
        match = re.search(r'href="([^"]+)"', href)
        if match and not match.group(1).startswith(("http:", "https:")):
            url = match.group(1).split("?")[0]
            target = output / url.lstrip("/") if url.startswith("/") else html_path.parent / url
            css += target.stat().st_size if target.is_file() else 0
    return {"html": len(html.encode("utf-8")), "css": css, "scripts": len(re.findall(r"<script", html))}


# --- The benchmark ----------------------------------------------------------------


def median(samples: list[dict], key: str = "wall") -> float:
    return statistics.median(sample[key] for sample in samples)


def measure(tree: Tree, runs: int, newsletters: bool) -> dict:
    """Cold build, then rebuilds after one news item and one event change, `runs` times."""
    results = {"cold": [], "news": [], "event": []}
    for run in range(runs):
        tree.forget()
        results["cold"].append(tree.project(newsletters))
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


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main_benchmark(args) -> None:
    work = Path(args.work or tempfile.mkdtemp(prefix="rumforliv-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Rum for Liv benchmark · {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f} · "
          f"SITE_TODAY={TODAY} · median of {args.runs} · {work}")
    main_factor, growth = args.sizes[0], args.sizes[1:]

    tree = Tree(work, main_factor)
    print(f"\nSize x{main_factor:g}: " + ", ".join(f"{v} {k}" for k, v in tree.counts.items()))
    plain = [tree.plain() for _ in range(args.runs)]
    site = measure(tree, args.runs, newsletters=False)
    full = measure(tree, args.runs, newsletters=True)
    issues = tree.counts["issues"]
    newsletters = [{key: f[key] - s[key] for key in ("wall", "cpu")} for f, s in zip(full["cold"], site["cold"])]
    per_issue = [{key: value / issues for key, value in sample.items()} for sample in newsletters]

    line("plain Pelican (default theme, same content)", seconds(plain))
    line("full cold build: site + feeds", seconds(site["cold"]), "vs plain " + ratio(site["cold"], plain, TARGETS["ratio"]))
    line("full cold build: site + feeds + newsletters", seconds(full["cold"]))
    line(f"newsletters alone ({issues} issues, difference)", seconds(newsletters))
    line("  per issue", seconds(per_issue), f"target < {TARGETS['issue']} s: {verdict(median(per_issue) < TARGETS['issue'])}")
    for kind, label in (("news", "one news item"), ("event", "one event")):
        line(f"rebuild after {label} changed: site", seconds(site[kind]),
             "vs full " + ratio(site[kind], site["cold"], TARGETS["rebuild"]))
        line(f"rebuild after {label} changed: + newsletters", seconds(full[kind]),
             "vs full " + ratio(full[kind], full["cold"], TARGETS["rebuild"]))
    memory = max(mb(site["cold"]), mb(full["cold"]), mb(full["news"]), mb(full["event"]))
    line("peak memory of a build (ru_maxrss)", f"{memory:.0f} MB",
         f"target < {TARGETS['memory_mb']} MB: {verdict(memory < TARGETS['memory_mb'])}")
    line("peak memory of plain Pelican", f"{mb(plain):.0f} MB")
    print_weight(tree.root / "output")

    if growth:
        print("\nGrowth (cold builds; ms per news item or event should stay flat):")
        rows = [(main_factor, site["cold"], full["cold"], tree.counts)]
        shutil.rmtree(tree.root, ignore_errors=True)
        for factor in growth:
            other = Tree(work, factor)
            cold = [other.project(False) for _ in range(args.runs) if other.forget() is None]
            cold_nl = [other.project(True) for _ in range(args.runs) if other.forget() is None]
            rows.append((factor, cold, cold_nl, other.counts))
            shutil.rmtree(other.root, ignore_errors=True)
        for factor, cold, cold_nl, counts in sorted(rows, key=lambda row: row[0]):
            files = counts["news"] + counts["events"]
            line(f"x{factor:g}: {counts['news']} news, {counts['events']} events", seconds(cold),
                 f"{1000 * median(cold) / files:5.2f} ms/file (cpu {1000 * median(cold, 'cpu') / files:5.2f}) · "
                 f"+ {counts['issues']} newsletters {median(cold_nl):.2f} s")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def print_weight(output: Path) -> None:
    month = f"kalender/{TODAY[:4]}/{TODAY[5:7]}/index.html"
    total = 0
    print("\nOutput weight (HTML + linked CSS, fonts aside):")
    for page in ("index.html", month):
        if not (output / page).is_file():
            line(page, "missing")
            continue
        weight = page_weight(output, page)
        total += weight["html"] + weight["css"]
        line(page, f"{(weight['html'] + weight['css']) / 1024:.1f} KB",
             f"html {weight['html'] / 1024:.1f} KB + css {weight['css'] / 1024:.1f} KB, {weight['scripts']} <script>")
    line("together", f"{total / 1024:.1f} KB", f"(target < {TARGETS['weight_kb']} KB) {verdict(total / 1024 < TARGETS['weight_kb'])}")


def main_profile(args) -> None:
    work = Path(args.work or tempfile.mkdtemp(prefix="rumforliv-profile-"))
    tree = Tree(work, args.sizes[0])
    tree.forget()
    spec = {
        "today": TODAY,
        "output": str(tree.root / "output"),
        "overrides": {"PATH": str(tree.root / "content"), "NEWSLETTER_PATH": str(tree.empty_newsletters),
                      "CACHE_PATH": str(tree.root / "cache")},
    }
    subprocess.run([sys.executable, __file__, "--child-profile", json.dumps(spec)], check=True)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--sizes", type=lambda s: [float(x) for x in s.split(",")], default=[1, 0.25, 0.5, 2],
                        help="size factors, the first is the main one (default 1,0.25,0.5,2)")
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 1 run")
    parser.add_argument("--profile", action="store_true",
                        help="profile one cold build (site + feeds) of the first size, with cProfile")
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
