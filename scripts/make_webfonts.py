"""Make the web fonts: small WOFF2 subsets of the Noto fonts in theme/fonts/.

Run after changing a font or the ranges below; the result is committed
into theme/static/fonts/ so a build needs no font tools and the site asks
no other host for fonts.

    python scripts/make_webfonts.py

Each subset is paired with the same `unicode-range` in site.css, so a
browser only downloads a file when the page has a letter from its range:
Danish pages never fetch the Arabic or Urdu fonts.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "theme" / "fonts"
TARGET = ROOT / "theme" / "static" / "fonts"

# Latin + Latin Extended-A/B + punctuation, €, arrows used as bullets:
# enough for Danish, English, Turkish (ğ ş ı İ) and Somali.
LATIN = "U+0000-024F, U+0259, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0300-0308, U+2000-206F, U+20AC, U+2122, U+2190-2193, U+2212"
# Arabic, its supplements and presentation forms, plus the joiners and marks
# bidirectional text needs.
ARABIC = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+200C-200F, U+FB50-FDFF, U+FE70-FEFF"

FONTS = [
    # (source file, web font file, unicode range)
    ("NotoSans-Regular.ttf", "noto-sans-latin-400.woff2", LATIN),
    ("NotoSans-Bold.ttf", "noto-sans-latin-700.woff2", LATIN),
    ("NotoNaskhArabic-Regular.ttf", "noto-naskh-arabic-400.woff2", ARABIC),
    ("NotoNaskhArabic-Bold.ttf", "noto-naskh-arabic-700.woff2", ARABIC),
    ("NotoNastaliqUrdu-Regular.ttf", "noto-nastaliq-urdu-400.woff2", ARABIC),  # one weight: pages stay light
]


def codepoints(ranges: str) -> list[int]:
    """'U+0000-00FF, U+20AC' -> every code point in those ranges."""
    points = []
    for part in ranges.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        points.extend(range(int(first, 16), int(last or first, 16) + 1))
    return points


def make(source: Path, target: Path, ranges: str) -> int:
    """Write one WOFF2 subset; returns its size in bytes."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep kerning, ligatures and Arabic shaping
    options.hinting = False  # phones render unhinted; saves a third of the size
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and licence
    # Keep the source's timestamps, so running the script twice gives the same bytes.
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints(ranges))
    subsetter.subset(font)
    subset.save_font(font, target, options)
    return target.stat().st_size


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, name, ranges in FONTS:
        size = make(SOURCE / source, TARGET / name, ranges)
        print(f"{name}: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
