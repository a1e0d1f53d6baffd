"""Same content, same bytes: at another time, into another folder, from the cache or not.

Also: Pelican's content cache must never weaken strictness, must survive the
atomic swap, and must be dropped when the settings change.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from test_newsletter import ISSUE_1 as ISSUE

from rumforliv.build.run import BuildFailed, build
from rumforliv.site import reader as strict_reader

from conftest import HOMEWORK, NEWS, ROOT, TinySite

PAGE = """
    Title: Velkommen til Rum for Liv
    Slug: forside

    Her kan du læse nyheder og se kalenderen.
"""
CAMP = """
    Title: Familielejr
    Start: 2013-07-01
    End: 2013-07-03
    Location: Lejrskolen, 4000 Roskilde
    Estate: Akacieparken, Lukretiavej
    Category: Børn, unge og familier
    Audience: familier

    Tre dage i skoven.
"""
KNITTING = """
    Title: Strikkeklub
    Start: 2013-01-08 10:00
    Repeat: FREQ=WEEKLY;BYDAY=TU
    Moved: 2013-03-05 -> 2013-03-07 11:00
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Lukretiavej
    Category: Beboernetværk, inddragelse og demokrati

    Vi strikker og drikker kaffe.
"""
SECTION = """
    Title: Nyt fra driften

    Husk at sortere affaldet.
"""
FILES = {
    "content/nyheder/fastelavn.md": NEWS,
    "content/nyheder/vaar.md": NEWS.replace("Fastelavn i Akacieparken", "Forår på Lukretiavej").replace(
        "2013-02-11", "2013-03-02"
    ),
    "content/kalender/lektiecafe.md": HOMEWORK,
    "content/kalender/lejr.md": CAMP,
    "content/kalender/strik.md": KNITTING,
    "content/sider/forside.md": PAGE,
}
FILES |= {"newsletter/2013-1/index.md": ISSUE, "newsletter/2013-1/30-driften.md": SECTION}


def build_into(site: TinySite, output: str, cache: str = "cache", **extra) -> Path:
    """Build the site into root/<output> with its own Pelican cache folder."""
    return build(
        ROOT / "pelicanconf.py", site.root / output, **site.overrides(CACHE_PATH=str(site.root / cache), **extra)
    )


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_identical(first: Path, second: Path) -> None:
    a, b = fingerprints(first), fingerprints(second)
    assert sorted(a) == sorted(b), "the two builds wrote different files"
    differing = [name for name in a if a[name] != b[name]]
    assert differing == [], f"differ between builds: {differing[:20]}"


def ical_text(path: Path) -> str:
    """An .ics file with its folded lines joined again."""
    return path.read_bytes().decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")


def touch_everything(root: Path) -> None:
    now = time.time()
    for path in root.rglob("*.md"):
        os.utime(path, (now, now))


class ReadCounter:
    """Counts how many files the strict reader really reads (not served from the cache)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        original = strict_reader.StrictReader.read

        def counting(reader, source_path):
            self.paths.append(Path(source_path).name)
            return original(reader, source_path)

        monkeypatch.setattr(strict_reader.StrictReader, "read", counting)


@pytest.fixture
def site(site):
    return site.write(FILES)


def test_two_builds_at_different_times_are_byte_identical(site):
    first = build_into(site, "output-1", cache="cache-1")
    time.sleep(1.1)  # another second on the clock: any timestamp taken from it would show
    touch_everything(site.root)  # and newer file times
    second = build_into(site, "output-2", cache="cache-2")
    assert_identical(first, second)
    names = fingerprints(first)
    assert "kalender.ics" in names and "feeds/nyheder.atom.xml" in names and "sitemap.xml" in names
    assert "kalender/lektiecafe/index.html" in names
    if "newsletter/2013-1/index.md" in FILES:
        assert "nyhedsbrev/2013-1.pdf" in names


def test_a_rebuild_from_the_cache_equals_a_cold_build(site, monkeypatch):
    cold = build_into(site, "output-cold", cache="cache")
    reads = ReadCounter(monkeypatch)
    cached = build_into(site, "output-cached", cache="cache")
    assert reads.paths == []  # every file came from Pelican's cache ...
    assert_identical(cold, cached)  # ... and the cached Event objects give the same pages and feeds
    feed = ical_text(cached / "kalender.ics")
    assert "UNTIL=20161231T225959Z" in feed and "EXDATE;TZID=Europe/Copenhagen:20130211T150000" in feed


def test_the_cache_survives_the_atomic_swap_and_only_changed_files_are_read(site, monkeypatch):
    site.build()
    cache = site.root / "cache"
    assert (cache / "EventsGenerator-Readers").is_file()
    assert not cache.resolve().is_relative_to(site.output.resolve())
    reads = ReadCounter(monkeypatch)
    path = site.content / "kalender/strik.md"
    path.write_text(path.read_text("utf-8").replace("Vi strikker", "Vi hækler"), encoding="utf-8")
    site.build()
    assert reads.paths == ["strik.md"]
    assert "Vi hækler" in site.read("kalender/strikkeklub/index.html")


def test_an_error_fails_a_cached_rebuild_even_if_the_file_time_did_not_change(site):
    site.build()
    path = site.content / "nyheder/fastelavn.md"
    stamp = path.stat()
    path.write_text(path.read_text("utf-8").replace("Estate: Akacieparken", "Estate: Akaciparken"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the cache thinks it is unchanged
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "content/nyheder/fastelavn.md:4: Estate:" in str(failure.value)
    with pytest.raises(BuildFailed):  # and again: a failed build leaves nothing trusted behind
        site.build()


def test_changed_settings_drop_the_cache(site, monkeypatch):
    site.build()
    reads = ReadCounter(monkeypatch)
    site.build(DEFAULT_EVENT_MINUTES=90)  # KNITTING has no End: its length comes from this setting
    assert "strik.md" in reads.paths and len(reads.paths) == len([n for n in FILES if n.startswith("content/")])
    assert "DTEND;TZID=Europe/Copenhagen:20130108T113000" in ical_text(site.output / "kalender/strikkeklub.ics")
