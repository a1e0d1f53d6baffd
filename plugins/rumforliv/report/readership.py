"""Readership from the web server's access log: visits to the short addresses each issue's QR codes carry.

The log is read with `apachelogs` (Common or Combined Log Format). Only the
requested address, the status and the time are looked at; the client's IP
address and user agent are never kept, so nothing about a person is stored.
A visit is one successful request (2xx or 3xx) in the year of GET /n/<issue>/ or of
an address one of the issue's QR codes carries (/n/<issue>/<page>/, also under a
language: /ar/n/<issue>/<page>/); all count for the issue.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import apachelogs

# /n/2013-1/, and what the QR codes carry: /n/2013-1/kalender/, /ar/n/2013-1/abonner/, /ar/n/2013-1/da/
SHORT_ADDRESS = re.compile(r"^/(?:[a-z]{2,3}/)?n/(\d{4}-\d{1,2})(?:/[a-z]{2,12})?/?(?:\?.*)?$")
PARSERS = (apachelogs.LogParser(apachelogs.COMBINED), apachelogs.LogParser(apachelogs.COMMON))


@dataclass
class Readership:
    visits: Counter = field(default_factory=Counter)  # issue id -> visits
    lines: int = 0
    unreadable: int = 0  # lines in neither format


def parse(line: str):
    for parser in PARSERS:
        try:
            return parser.parse(line)
        except apachelogs.InvalidEntryError:
            continue
    return None


def count_visits(log: Path, year: int) -> Readership:
    """Visits per issue in `year`, from a log file (read line by line; nothing but the counts is kept)."""
    found = Readership()
    with log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.strip():
                continue
            found.lines += 1
            entry = parse(line.rstrip("\n"))
            if entry is None or not entry.request_line:
                found.unreadable += entry is None
                continue
            parts = entry.request_line.split()
            if len(parts) < 2 or parts[0] != "GET" or not 200 <= (entry.final_status or 0) < 400:
                continue
            match = SHORT_ADDRESS.match(parts[1])
            if match and entry.request_time.year == year:
                found.visits[match.group(1)] += 1
    return found
