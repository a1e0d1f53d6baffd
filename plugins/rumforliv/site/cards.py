"""Share cards: the picture a link shows when it is shared on WhatsApp or Facebook (og:image).

One 1200 × 630 PNG per activity and news item (and per translation of them),
and one per language for every other page: the title, when, where and the
focus area's pictogram. Arabic and Urdu are shaped and laid out right to left
by Pillow's libraqm layout. The same words give the same bytes (no time, no
metadata in the PNG), and a card already drawn by an earlier build is taken
from the build's shelf (build/store.py) instead of drawn again.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context
from pelican.generators import Generator

from rumforliv.build import parallel
from rumforliv.build.store import Shelf
from rumforliv.wording.pictograms import category_pictogram

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BRAND, INK, MUTED, PAPER = "#1d4e89", "#1a1a1a", "#4a4a4a", "#ffffff"
FOLDER = "kort"  # /kort/kalender/<slug>.png, /ar/kort/nyheder/<slug>.png, /kort/ar.png
CACHE = "share-cards"  # in the cache folder: <digest>.png
FORMAT = 2  # raise when the drawing changes: cached cards are keyed by it

# Letters of the Arabic script: a line with any of them is set in the Arabic or Urdu face.
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
RANGE_DASH = "\u200e\u2010\u200e"  # "15–17" in Arabic script: both faces have these
FACES = {
    "latin": ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf"),
    "ar": ("NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Regular.ttf"),
    "ur": ("NotoNastaliqUrdu-Bold.ttf", "NotoNastaliqUrdu-Regular.ttf"),
}


@dataclass(frozen=True)
class Card:
    """What one card shows."""

    path: str  # where it is written, from the site's root
    lang: str
    title: str
    lines: tuple[str, ...]  # when, where
    category: str  # its pictogram
    site: str

    def digest(self) -> str:
        text = "\n".join([str(FORMAT), self.lang, self.title, *self.lines, self.category, self.site])
        return hashlib.sha256(text.encode()).hexdigest()


def card_path(kind: str, item, settings: dict) -> str:
    """'kort/kalender/lektiecafe.png', 'ar/kort/nyheder/fastelavn.png' (a translation under its language)."""
    prefix = "" if item.lang == settings["DEFAULT_LANG"] else f"{item.lang}/"
    return f"{prefix}{FOLDER}/{kind}/{item.slug}.png"


def site_card_path(lang: str) -> str:
    return f"{FOLDER}/{lang}.png"


# --- Drawing ----------------------------------------------------------------------


def font(settings: dict, script: str, bold: bool, size: int):
    return load_font(str(Path(settings["THEME"]) / "fonts"), script, bold, size)


@functools.lru_cache(maxsize=64)  # a face is read once per build, not once per card
def load_font(folder: str, script: str, bold: bool, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(
        str(Path(folder) / FACES[script][0 if bold else 1]), size, layout_engine=ImageFont.Layout.RAQM
    )


def script_of(text: str, lang: str) -> str:
    if not ARABIC.search(text):
        return "latin"
    return "ur" if lang == "ur" else "ar"


def wrap(draw, text: str, face, width: int, direction: str, limit: int) -> list[str]:
    """Words onto lines no wider than `width`; at most `limit` lines, the last cut with an ellipsis."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=face, direction=direction) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1].rstrip(".,") + " …"
    return lines


def pictogram_png(category: str, settings: dict, size: int) -> bytes:
    return svg_png(str(category_pictogram(category, settings, size)).replace("currentColor", PAPER), size)


@functools.lru_cache(maxsize=32)  # four focus areas: each drawn once per process, not once per card
def svg_png(svg: str, size: int) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode(), output_width=size, output_height=size)


# A card has two tones: white on the blue band, ink and grey on paper. Each part is drawn in greyscale and
# stored as LEVELS shades of its tone in one palette: quick to draw and to write, and small (no quantising).
LEVELS = 32
BAND = 150  # the band's height
SHIFT = 8 - LEVELS.bit_length() + 1  # 256 shades -> LEVELS


def shades(start: str, end: str) -> list[int]:
    """LEVELS palette colours from `start` (shade 0) to `end`."""
    a, b = (tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) for colour in (start, end))
    return [round(a[c] + (b[c] - a[c]) * level / (LEVELS - 1)) for level in range(LEVELS) for c in range(3)]


PALETTE = shades(BRAND, PAPER) + shades("#000000", PAPER)  # band: 0..LEVELS-1, paper: LEVELS..2*LEVELS-1


@functools.lru_cache(maxsize=32)  # one band per focus area, direction and site name in a process
def band(icon_png: bytes, rtl: bool, site: str, fonts: str):
    """The blue band with the pictogram and the site's name, as palette indices (an 'L' image)."""
    from PIL import Image, ImageDraw

    whiteness = Image.new("L", (WIDTH, BAND), 0)  # 0: brand blue, 255: white
    icon = Image.open(io.BytesIO(icon_png)).getchannel("A")
    whiteness.paste(255, (WIDTH - MARGIN - icon.width if rtl else MARGIN, (BAND - icon.height) // 2), icon)
    pen = ImageDraw.Draw(whiteness)
    face = load_font(fonts, "latin", True, 44)
    name_x = MARGIN if rtl else WIDTH - MARGIN - pen.textlength(site, font=face)
    pen.text((name_x, BAND // 2), site, font=face, fill=255, anchor="lm")
    return whiteness.point(lambda v: v >> SHIFT)


def draw(card: Card, settings: dict) -> bytes:
    """The card as PNG bytes: a blue band with the pictogram and the site's name, then the text."""
    from PIL import Image, ImageDraw

    rtl = card.lang in settings.get("RTL_LANGUAGES", ())
    direction = "rtl" if rtl else "ltr"
    paper = Image.new("L", (WIDTH, HEIGHT), 255)  # greyscale: 255 is paper, the text in its shade
    pen = ImageDraw.Draw(paper)
    width, y = WIDTH - 2 * MARGIN, BAND + 40
    for text, bold, size, colour, limit in [(card.title, True, 60, INK, 2)] + [
        (line, False, 40, MUTED, 2) for line in card.lines if line
    ]:
        script = script_of(text, card.lang)
        if script != "latin":  # Naskh has no en dash; a hyphen between two LRMs keeps a range in order
            text = text.replace("–", RANGE_DASH)
        face = font(settings, script, bold, size if script != "ur" else int(size * 0.8))
        line_direction = direction if script != "latin" else "ltr"
        step = int(size * (1.9 if script == "ur" else 1.35))
        for line in wrap(pen, text, face, width, line_direction, limit):
            if y + step > HEIGHT - 24:
                break
            x = WIDTH - MARGIN if rtl else MARGIN
            pen.text(
                (x, y),
                line,
                font=face,
                fill=int(colour[1:3], 16),  # greys: one channel says it
                anchor="ra" if rtl else "la",
                direction=line_direction,
                language=card.lang if script != "latin" else None,
            )
            y += step
        y += 12
    indices = paper.point(lambda v: LEVELS + (v >> SHIFT))
    icon = pictogram_png(card.category, settings, 104)
    indices.paste(band(icon, rtl, card.site, str(Path(settings["THEME"]) / "fonts")), (0, 0))
    image = Image.frombytes("P", indices.size, indices.tobytes())
    image.putpalette(PALETTE)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)  # no metadata: the same card, the same bytes
    return out.getvalue()


def write(card: Card, settings: dict, output: Path, kept: Shelf) -> None:
    """Write the card, as drawn by an earlier build if one drew the same (the shelf of drawn cards)."""
    target = output / card.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(kept.kept(f"{card.digest()}.png", lambda: draw(card, settings)))


# --- What the cards show ------------------------------------------------------------


def event_card(event, settings: dict) -> Card:
    from rumforliv.wording.words import describe

    return Card(
        card_path("kalender", event, settings),
        event.lang,
        event.title,
        (plain(describe(event, settings, event.lang)), getattr(event, "location", "")),
        str(getattr(event, "category", "") or ""),
        settings["SITENAME"],
    )


def article_card(article, settings: dict) -> Card:
    from rumforliv.wording.text import long_date

    return Card(
        card_path("nyheder", article, settings),
        article.lang,
        article.title,
        (plain(long_date(article.date, article.lang)), ", ".join(getattr(article, "estates", []) or [])),
        str(getattr(article, "category", "") or ""),
        settings["SITENAME"],
    )


def site_card(lang: str, settings: dict) -> Card:
    from rumforliv.wording.catalogues import catalogue

    subtitle = catalogue(lang).gettext(settings["SITESUBTITLE"])
    return Card(site_card_path(lang), lang, settings["SITENAME"], (subtitle,), "", settings["SITENAME"])


def plain(text) -> str:
    """Words from a filter meant for HTML, without tags."""
    return re.sub(r"<[^>]+>", "", str(text))


def all_cards(context: dict, settings: dict) -> list[Card]:
    cards = [site_card(lang, settings) for lang in settings["LANGUAGES"]]
    for event in context.get("events", []):
        cards += [event_card(version, settings) for version in [event, *published(event)]]
    for article in context.get("articles", []):
        cards += [article_card(version, settings) for version in [article, *published(article)]]
    return cards


def published(item) -> list:
    return [other for other in getattr(item, "translations", []) if getattr(other, "status", "published") != "draft"]


@pass_context
def share_card(context) -> str:
    """`{{ share_card() }}`: the card of the activity or news item on the page, else the site's card in
    the page's language (a path from the site's root)."""
    settings = {"DEFAULT_LANG": context.get("DEFAULT_LANG", "da")}
    for key, kind in (("event", "kalender"), ("article", "nyheder")):
        item = context.get(key)
        if getattr(item, "slug", None) and getattr(item, "status", "published") != "draft":
            return card_path(kind, item, settings)
    return site_card_path(context.get("page_lang") or settings["DEFAULT_LANG"])


class ShareCardsGenerator(Generator):
    """Draws the share cards once the events and news are read."""

    def generate_output(self, writer):
        cache = Path(self.settings["CACHE_PATH"]) / CACHE if self.settings.get("CACHE_CONTENT") else None
        output = Path(self.output_path)
        # A card takes about 7 ms to draw: a cold build of a large site draws thousands, on both cores.
        draw_one = functools.partial(write, settings=self.settings, output=output, kept=Shelf(cache))
        parallel.spread(
            draw_one, all_cards(self.context, self.settings), workers=self.settings.get(parallel.WORKERS, 1)
        )
