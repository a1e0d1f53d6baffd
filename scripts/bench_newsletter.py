"""Time the newsletter: seconds per issue, printed from scratch and from the cache.

    SITE_TODAY=2013-03-04 python scripts/bench_newsletter.py [--keep DIR]

Builds the real site twice into a temporary folder with an empty newsletter
cache: the first build prints every issue (WeasyPrint loaded once for all),
the second finds every issue unchanged and copies it from the cache.
Wall time depends on what else the machine runs; cpu time is this process's.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from rumforliv.build.run import build

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)


class Timings(logging.Handler):
    """Collects the per-issue records the newsletter generator logs."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.rows = []

    def emit(self, record):
        if hasattr(record, "seconds"):
            self.rows.append((record.issue, record.pages, record.seconds, record.cpu_seconds, record.cached))


def run(output: Path, cache: Path) -> tuple[list, float]:
    timings = Timings()
    logger = logging.getLogger("rumforliv.newsletter")
    logger.setLevel(logging.INFO)
    logger.addHandler(timings)
    started = time.perf_counter()
    try:
        build(ROOT / "pelicanconf.py", output, CACHE_PATH=str(cache))
    finally:
        logger.removeHandler(timings)
    return timings.rows, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="build into this folder and keep it")
    args = parser.parse_args()
    os.environ.setdefault("SITE_TODAY", "2013-03-04")
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(args.keep) if args.keep else Path(scratch) / "output"
        cache = Path(scratch) / "cache"
        for label in ("printed", "cached"):
            rows, total = run(output, cache)
            for issue, pages, seconds, cpu, cached in rows:
                print(
                    f"{label:8} {issue:10} {pages:3d} pages {seconds:6.2f} s wall {cpu:6.2f} s cpu"
                    f"{'  (cache)' if cached else ''}"
                )
            printed = [(seconds, cpu) for _, _, seconds, cpu, cached in rows if not cached]
            if len(printed) > 1:
                rest = printed[1:]
                print(
                    f"{label:8} first issue {printed[0][0]:.2f} s (loads WeasyPrint), then "
                    f"{sum(w for w, _ in rest) / len(rest):.2f} s wall, "
                    f"{sum(c for _, c in rest) / len(rest):.2f} s cpu per issue"
                )
            print(f"{label:8} whole site build {total:.2f} s")


if __name__ == "__main__":
    main()
