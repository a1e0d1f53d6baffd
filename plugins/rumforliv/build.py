"""One build: check, render into a fresh folder, then swap it in place.

A failed build leaves the previous `output/` untouched, and every Pelican
error counts as a failure (Pelican itself would log and skip the file).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from .schema import ContentError, Problem


class BuildFailed(Exception):
    """The build stopped; the message is for the editor, in Danish."""


class ErrorCollector(logging.Handler):
    """Remembers every error Pelican logs, so none is lost in the scroll."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def load_settings(settings_file: str | Path = "pelicanconf.py", **overrides) -> dict:
    return read_settings(str(settings_file), override=overrides)


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
        Pelican(settings).run()
        if collector.messages:
            raise BuildFailed("\n".join(collector.messages))
    except ContentError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(error)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        pelican_logger.removeHandler(collector)
    swap_into_place(staging, target)
    return target


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames, so readers never see half a site."""
    staging.chmod(0o755)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["build", "BuildFailed", "ContentError", "Problem", "load_settings"]
