"""One build: check, render into a fresh folder, then put it in place.

A failed build leaves the previous `output/` untouched, and every Pelican
error counts as a failure (Pelican itself would log and skip the file).
A rebuild that kept pages of the last build (memo.py) moves only the files it
rendered into `output/` and removes those no page wrote (making and removing a
whole site's thousands of folders costs seconds on a virtual disk); otherwise
the new folder replaces `output/` whole.
What the build keeps in CACHE_PATH (Pelican's content cache, compiled
templates, the files that passed the check, expanded schedules) is only
trusted while the settings and the plugin's code are unchanged.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from rumforliv.build import memo
from rumforliv.build.logs import BuildFailed, ErrorCollector, every_record
from rumforliv.build.parallel import wait_for_children
from rumforliv.build.trust import cache_templates, fingerprint, trust_cache
from rumforliv.content.schema import ContentError, Problem


def load_settings(settings_file: str | Path = "pelicanconf.py", **overrides) -> dict:
    return read_settings(str(settings_file), override=overrides)


@contextlib.contextmanager
def rare_collections():
    """A build keeps what it reads and works out (content, occurrences, pages' values) to its end, so
    the cyclic GC's passes over all of it find next to nothing: a tenth of a rebuild's time. They are
    made rare, not stopped: rendering still leaves some cycles. The forked writer inherits this."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 100_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@rare_collections()
def build(settings_file: str | Path = "pelicanconf.py", output: str | Path | None = None, **overrides) -> Path:
    """Build the site into `output` (default: the settings' OUTPUT_PATH) atomically."""
    settings = load_settings(settings_file, **overrides)
    target = Path(output or settings["OUTPUT_PATH"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    collector = ErrorCollector()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(collector)
    try:
        settings["OUTPUT_PATH"] = str(staging)
        key = fingerprint(settings_file, overrides)
        stamp = trust_cache(settings, key)
        cache_templates(settings)
        page_memo = None
        if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE"):
            page_memo = settings[memo.SETTING] = memo.PageMemo(settings["CACHE_PATH"], target, staging, key)
        Pelican(settings).run()
        if collector.messages:
            raise BuildFailed("\n".join(collector.messages))
        stamp()
    except BaseException as error:
        wait_for_children()  # the feeds may still be being written into `staging`
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, ContentError):
            raise BuildFailed(str(error)) from None
        raise
    finally:
        pelican_logger.removeHandler(collector)
    if page_memo and page_memo.kept and target.is_dir():
        page_memo.forget()  # should moving stop half-way, the next build trusts nothing in `target`
        update_in_place(staging, target, page_memo.kept)
    else:
        swap_into_place(staging, target, Path(settings["CACHE_PATH"]) / TRASH)
    if page_memo:
        page_memo.save(target)  # only now: the pages it names are the ones in `target`
        reused, pages = page_memo.reused, len(page_memo.written)
        every_record(logging.getLogger(__name__)).info(
            "%d of %d pages and feeds kept from the previous build",
            reused,
            pages,
            extra={"reused": reused, "pages": pages},
        )
    return target


TRASH = "old-output"  # in the cache folder: earlier sites being removed


def update_in_place(staging: Path, target: Path, kept: set[str]) -> None:
    """Move the files in `staging` into `target`, then remove every file of `target` that is neither
    one of those nor `kept` (pages and events gone since), with the folders left empty."""
    try:
        written = files_under(staging)
        for name in written:
            destination = target / name
            try:
                os.replace(staging / name, destination)
            except FileNotFoundError:  # a page in a new folder
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, destination)
        remove_others(target, written | kept)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # by now mostly the folders of the pages moved


def files_under(folder: Path | str, prefix: str = "") -> set[str]:
    """Relative paths ('a/b/index.html') of the files below `folder`."""
    names = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                names |= files_under(entry.path, f"{prefix}{entry.name}/")
            else:
                names.add(prefix + entry.name)
    return names


def remove_others(folder: Path | str, keep: set[str], prefix: str = "") -> bool:
    """Remove the files below `folder` not named in `keep`, and the folders that leaves empty; True if `folder` is empty.
    Paths stay strings: a rebuild walks every folder of the site."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if remove_others(entry.path, keep, name + "/"):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif name in keep:
                empty = False
            else:
                os.unlink(entry.path)
    return empty


def swap_into_place(staging: Path, target: Path, trash: Path | None = None) -> None:
    """Replace `target` by `staging` with two renames, so readers never see half a site."""
    staging.chmod(0o755)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        discard(old, trash)


def discard(old: Path, trash: Path | None) -> None:
    """Remove the old site; from `trash` by a process of its own, as nothing needs to wait for it
    (removing thousands of folders takes seconds on a virtual disk)."""
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            old.rename(Path(tempfile.mkdtemp(prefix="output-", dir=trash)) / "site")
        except OSError:  # the trash is on another file system
            pass
        else:
            for leftover in trash.iterdir():  # this one, and any whose removal was cut short
                remove_in_background(leftover)
            return
    shutil.rmtree(old, ignore_errors=True)


def remove_in_background(folder: Path) -> None:
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


__all__ = ["build", "BuildFailed", "ContentError", "Problem", "load_settings"]
