"""Pictograms: one picture per focus area and newsletter section, the same on the site, the
newsletter and the posters, for readers who take in a picture faster than a word.

The pictures are Heroicons (MIT licence), from the `heroicons` package; the
settings say which picture stands for which focus area (CATEGORY_PICTOGRAMS)
and section (SECTION_PICTOGRAMS). Each is an inline SVG in `currentColor`, so
it prints in whatever colour the text around it has (black on an office copier).
"""

from __future__ import annotations

from heroicons.jinja import heroicon_outline
from markupsafe import Markup

FALLBACK = "sparkles"  # a focus area or section the settings give no picture


def pictogram(name: str, size: int = 24) -> Markup:
    """The named Heroicon as inline SVG, hidden from screen readers (the text beside it says it)."""
    return heroicon_outline(name, size=size, focusable="false")


def category_pictogram(category, settings: dict, size: int = 24) -> Markup:
    """The picture of a focus area (a category name or Pelican Category)."""
    return pictogram(settings.get("CATEGORY_PICTOGRAMS", {}).get(str(category), FALLBACK), size)


def section_pictogram(section: str, settings: dict, size: int = 24) -> Markup:
    """The picture of a newsletter section, by its file name without number ('bestyrelsen-akacieparken')."""
    pictures = settings.get("SECTION_PICTOGRAMS", {})
    for start, name in pictures.items():
        if section.startswith(start):
            return pictogram(name, size)
    return pictogram(FALLBACK, size)
