"""What the cache folder keeps between builds, and when it is trusted.

Pelican's content cache, the compiled templates, the files that passed the
check and the expanded schedules are only trusted while the settings, the
plugin's code and the libraries that shape the output are unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import platform
import shutil
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from rumforliv.build import parallel
from rumforliv.build.memo import PASSED

EXPANSIONS = "occurrences.pickle"  # each schedule's expanded dates (build.expansions)
PELICAN_CACHES = ("Generator", "Generator-Readers")  # Pelican names its cache files <Generator class><suffix>
TEMPLATES = "templates"  # in the cache folder: the theme's templates compiled by Jinja
CODE = Path(__file__).resolve().parents[1]  # the rumforliv package
# Every library whose version can change what a build writes: an upgrade must not leave stale pages.
SHAPING_LIBRARIES = (
    "pelican",
    "jinja2",
    "markupsafe",
    "markdown",
    "nh3",
    "babel",
    "icalendar",
    "python-dateutil",
    "tzdata",
    "weasyprint",
    "pydyf",
    "tinycss2",
    "fonttools",
    "pypdf",
    "segno",
    "pillow",
    "rcssmin",
)


def library_versions() -> str:
    found = []
    for name in SHAPING_LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


@functools.cache
def code_fingerprint() -> str:
    """The plugin's code as this process loaded it (read once), with the Python and libraries it runs on."""
    digest = hashlib.sha256(f"{platform.python_version()} {library_versions()}".encode())
    for path in sorted(CODE.rglob("*.py")):
        digest.update(path.relative_to(CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Settings that change how a build works, not what it writes. The preview's quick builds (which leave
# changed newsletters for later) and its background builds (which print them) take turns: were these
# in the fingerprint, each would throw away the other's caches, and a quick build would take seconds.
HOW_NOT_WHAT = frozenset({"NEWSLETTER_PRINT_LATER", parallel.WORKERS, parallel.FROM_PAGES})


def fingerprint(settings_file, overrides: dict) -> str:
    """What cached reader results depend on besides the file itself: settings and code."""
    digest = hashlib.sha256(code_fingerprint().encode())
    shaping = {name: value for name, value in overrides.items() if name not in HOW_NOT_WHAT}
    digest.update(json.dumps(shaping, sort_keys=True, default=str).encode())
    settings_path = Path(settings_file).resolve()
    for path in (settings_path, settings_path.with_name("pelicanconf.py")):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def trust_cache(settings: dict, current: str):
    """Drop what the cache folder keeps between builds if it was made by other settings or code.

    Returns the function that records `current` once the build has succeeded,
    so a cache from a failed build is never mistaken for a trusted one."""
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return lambda: None
    cache = Path(settings["CACHE_PATH"])
    stamp = cache / "fingerprint"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != current:
        stamp.unlink(missing_ok=True)
        for path in cache.glob("*"):
            if path.is_file() and path.name.endswith(PELICAN_CACHES):
                path.unlink()
        shutil.rmtree(cache / TEMPLATES, ignore_errors=True)  # compiled with other extensions or Jinja, maybe
        (cache / PASSED).unlink(missing_ok=True)  # checked by other rules, maybe
        (cache / EXPANSIONS).unlink(missing_ok=True)  # expanded by other rules, maybe

    def record():
        if settings.get("CACHE_CONTENT"):
            cache.mkdir(parents=True, exist_ok=True)
            stamp.write_text(current, encoding="utf-8")

    return record


def cache_templates(settings: dict) -> None:
    """Each generator compiles the theme's templates afresh (a quarter of a second); keep them compiled
    in the cache folder. Jinja recompiles a template whose source changed."""
    if not settings.get("CACHE_CONTENT"):
        return
    folder = Path(settings["CACHE_PATH"]) / TEMPLATES
    folder.mkdir(parents=True, exist_ok=True)
    settings["JINJA_ENVIRONMENT"] = {
        **settings["JINJA_ENVIRONMENT"],
        "bytecode_cache": FileSystemBytecodeCache(str(folder)),
    }
