"""The theme's stylesheets as a phone downloads them: without the comments and spare spaces that
help whoever edits theme/static/css (a quarter of their weight)."""

from __future__ import annotations

from pathlib import Path

import rcssmin


def minify_stylesheets(output: Path, settings: dict) -> None:
    for path in sorted((output / settings.get("THEME_STATIC_DIR", "theme")).rglob("*.css")):
        path.write_text(rcssmin.cssmin(path.read_text(encoding="utf-8")), encoding="utf-8")


def on_finalized(pelican) -> None:
    """Pelican's `finalized` signal: the theme's static files are copied by then."""
    minify_stylesheets(Path(pelican.output_path), pelican.settings)
