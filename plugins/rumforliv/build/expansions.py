"""Each schedule's expanded dates, kept from one build to the next.

Stepping dateutil through tens of thousands of weekly dates is most of
reading the calendar, so the build keeps every schedule's timings over the
calendar's window in the cache folder (`occurrences.pickle`). Each
occurrence made from an expansion is stamped, beside it rather than on it:
the expansion's digest and the occurrence's place in it fix its times, so the
page memo digests the stamp instead of the times (memo.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from pathlib import Path

from rumforliv.build.store import write_whole
from rumforliv.calendar.recurrence import Occurrence


class Expansions:
    """`calendar.recurrence.expand`'s `known`: each schedule's occurrences over a window, from the last
    build where it expanded the same schedule (keyed by the schedule's repr, every field and its zone
    included, and the window); the timings are plain data."""

    def __init__(self, earlier: dict | None = None):
        self.earlier = earlier or {}
        self.used: dict[str, tuple] = {}  # this build's: what the next one may take
        self.stamps: dict[int, tuple] = {}  # id(occurrence) -> (occurrence, the expansion's digest, its place)

    def occurrences(self, event, first: dt.date, last: dt.date) -> list[Occurrence]:
        key = f"{event.schedule!r} {first} {last}"
        timings = self.earlier.get(key)
        if timings is None:
            found = event.schedule.occurrences(event, first, last)
            timings = tuple((o.start, o.end, o.original_start, o.cancelled, o.moved) for o in found)
        self.used[key] = timings
        expansion = hashlib.sha256(key.encode()).digest()
        made = [Occurrence(event, *timing) for timing in timings]
        for place, occurrence in enumerate(made):
            self.stamps[id(occurrence)] = (occurrence, expansion, place.to_bytes(4, "big"))
        return made

    @property
    def changed(self) -> bool:
        return self.used.keys() != self.earlier.keys()


def load_expansions(path: Path) -> dict:
    try:
        with path.open("rb") as stream:
            stored = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    return stored if isinstance(stored, dict) else {}


def save_expansions(path: Path, used: dict) -> None:
    write_whole(path, pickle.dumps(used, protocol=pickle.HIGHEST_PROTOCOL))
