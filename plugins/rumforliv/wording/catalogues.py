"""The fixed texts' catalogues: Danish `N_()` and `_()` texts in every reader's language.

`translations/<lang>/LC_MESSAGES/messages.po` translate them; they are
compiled in memory when first used, so no binary file is kept in git. Where
the catalogues are (the setting TRANSLATIONS_PATH) and where compiled ones
may be kept between builds is said once per build with `use()`; until then
every text stays Danish.

Also here: what right-to-left text needs around numbers, since every output
(site, feeds, newsletter) writes times into Arabic and Urdu sentences.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import babel
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup

DOMAIN = "messages"

Keep = Callable[[str, Callable[[], bytes]], bytes]  # (name, make) -> bytes, perhaps kept from an earlier build


def N_(message: str) -> str:
    """Marks a Python string for extraction; translate it later with `translate`."""
    return message


# Words from the settings that readers see: the content format's fixed vocabularies,
# the named school holidays and the subtitle. Marked here so extraction finds them;
# templates translate them with the `translated` filter. (test_i18n checks that every
# value in pelicanconf.py is here, so a renamed category is noticed.)
SETTING_WORDS = [
    N_("Børn, unge og familier"),
    N_("Uddannelse, beskæftigelse og erhverv"),
    N_("Beboernetværk, inddragelse og demokrati"),
    N_("Image og kommunikation"),
    N_("børn"),
    N_("unge"),
    N_("familier"),
    N_("voksne"),
    N_("seniorer"),
    N_("alle"),
    N_("vinterferien"),
    N_("påskeferien"),
    N_("sommerferien"),
    N_("efterårsferien"),
    N_("juleferien"),
    N_("Akacieparken og Lukretiavej i Valby"),
]


def made(name: str, make: Callable[[], bytes]) -> bytes:
    """The default `Keep`: nothing is kept."""
    return make()


class Catalogues:
    """Where this build's catalogues are, and the catalogues compiled so far (by language)."""

    def __init__(self, folder: Path | None = None, keep: Keep = made):
        self.folder = folder
        self.keep = keep
        self.loaded: dict[str, gettext_module.NullTranslations] = {}


_current = Catalogues()


def use(folder: Path | str | None, keep: Keep = made) -> None:
    """A build starts: read the catalogues in `folder` afresh (an edited .po shows in `invoke vis`);
    `keep` may keep compiled catalogues and language names for the processes and builds after."""
    global _current
    _current = Catalogues(Path(folder) if folder else None, keep)


def folder() -> Path | None:
    return _current.folder


def compile_po(path: Path, keep: Keep = made) -> Translations:
    """The catalogue in `path`, compiled (kept by the .po's digest: babel's .po parser costs each
    process of a build a fortieth of a second)."""
    source = path.read_bytes()

    def compiled() -> bytes:
        mo = io.BytesIO()
        write_mo(mo, read_po(io.BytesIO(source), domain=DOMAIN), use_fuzzy=False)
        return mo.getvalue()

    mo = keep(f"{hashlib.sha256(source).hexdigest()}.mo", compiled)
    return Translations(io.BytesIO(mo), domain=DOMAIN)


def catalogue(lang: str) -> gettext_module.NullTranslations:
    """The compiled catalogue for `lang`; untranslated texts stay Danish."""
    current = _current
    found = current.loaded.get(lang)
    if found is None:
        path = current.folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po" if current.folder else None
        found = compile_po(path, current.keep) if path and path.is_file() else gettext_module.NullTranslations()
        current.loaded[lang] = found
    return found


def translate(lang: str, message: str) -> str:
    """`message` (Danish) in `lang`: for Python code that writes words for readers."""
    return catalogue(lang).gettext(message)


def translate_plural(lang: str, singular: str, plural: str, n: int) -> str:
    return catalogue(lang).ngettext(singular, plural, n)


def direction(lang: str, settings: dict) -> str:
    return "rtl" if lang in settings.get("RTL_LANGUAGES", ()) else "ltr"


@functools.cache  # asked on every page, for every language
def language_name(lang: str) -> str:
    """The language's own name for itself ('Dansk', 'Türkçe', 'العربية'). Babel's data for a language
    takes a process 5-10 ms to load, so the name may be kept with the compiled catalogues."""

    def named() -> bytes:
        name = Locale.parse(lang).get_display_name(lang)
        return (name[:1].upper() + name[1:]).encode("utf-8")

    return _current.keep(f"name-{lang}-{babel.__version__}.txt", named).decode("utf-8")


RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate, pop directional isolate


NUMBER_RANGE = re.compile(r"(?<!\u2066)\b\d+(?:[.:]\d+)?\.?\s?[–-]\s?\d+(?:[.:]\d+)?\.?(?!\u2069)")


def isolate_numbers(value):
    """'10–12' and '4–10 مارس' keep '10–12' and '4–10' in order inside Arabic or Urdu text.

    Without the isolate the bidi algorithm shows a span as '12–10' (the dash
    is neutral, so the numbers on each side are laid out right to left). Text
    of digits alone is isolated whole; in text with Arabic letters only the
    number ranges are.
    """
    if not isinstance(value, str) or not any(c.isdigit() for c in value):
        return value
    if RTL_LETTER.search(value):
        wrapped = NUMBER_RANGE.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", str(value))
        return Markup(wrapped) if isinstance(value, Markup) else wrapped
    if value.startswith(LRI):
        return value
    if isinstance(value, Markup):
        return Markup(LRI) + value + Markup(PDI)
    return f"{LRI}{value}{PDI}"


def isolated(text: str, lang: str) -> str:
    """`text` (a time, '10–12') kept left to right inside a right-to-left language's sentence."""
    return isolate_numbers(text) if right_to_left(lang) else text


@functools.cache  # asked for every time shown (tens of thousands a build); Babel parses the locale each time
def right_to_left(lang: str) -> bool:
    return Locale.parse(lang).character_order == "right-to-left"
