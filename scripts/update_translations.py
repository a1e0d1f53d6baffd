"""Extract every fixed text and update the catalogues in translations/.

    python scripts/update_translations.py           # extract, update every language's messages.po
    python scripts/update_translations.py --check   # only report; exit 1 if anything is to do

What is extracted is set in babel.cfg: `_()` and `{% trans %}` in the theme's
templates, `N_()`, `translate()` and `phrase()` in the plugin. Danish is the source language,
so its catalogue repeats the Danish text. In every other language a new text
gets an empty translation, and `--check` (and the test suite) fails until a
translator has filled it in. Texts no longer used are dropped.

The files are written byte-for-byte the same for the same texts (fixed dates,
no line numbers), so a re-run without template changes changes nothing.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
SOURCE_LANG = "da"
LANGUAGES = ["da", "en", "tr", "so", "ar", "ur"]  # as pelicanconf.LANGUAGES
# Templates: Jinja's gettext names. Python: only the project's own markers (i18n.py), so
# an unrelated function called `_` or `say` elsewhere in the plugin is never taken for text.
TEMPLATE_KEYWORDS = DEFAULT_KEYWORDS
PYTHON_KEYWORDS = {"N_": None, "translate": (2,), "translate_plural": (2, 3), "phrase": (2,)}
FIXED_DATE = dt.datetime(2013, 1, 1, tzinfo=dt.UTC)  # stable headers, stable files
PROJECT = "Rum for Liv"


def extract(root: Path = ROOT) -> Catalog:
    """Every translatable text, as a template catalogue."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project=PROJECT, creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False)
    for method, keywords in (("python", PYTHON_KEYWORDS), ("jinja2", TEMPLATE_KEYWORDS)):
        chosen = [(pattern, m) for pattern, m in method_map if m == method]
        for filename, lineno, message, comments, context in extract_from_dir(
            str(root), chosen, options_map, keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(lang: str, folder: Path = CATALOGUES) -> Path:
    return folder / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str, folder: Path = CATALOGUES) -> Catalog:
    path = po_path(lang, folder)
    if not path.is_file():
        return Catalog(locale=lang, project=PROJECT, creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False)
    with open(path, "rb") as po:
        return read_po(po, locale=lang)


def updated(catalog: Catalog, template: Catalog, lang: str) -> Catalog:
    """`catalog` with exactly the template's texts; Danish translates to itself."""
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    if lang == SOURCE_LANG:
        for message in catalog:
            if message.id:
                message.string = (
                    message.id
                    if isinstance(message.id, str)
                    else tuple(message.id[min(i, len(message.id) - 1)] for i in range(catalog.num_plurals))
                )
    return catalog


def serialize(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def problems(lang: str, template: Catalog, folder: Path = CATALOGUES) -> list[str]:
    """What keeps `lang`'s catalogue from being complete and current."""
    found = []
    path = po_path(lang, folder)
    if not path.is_file():
        return [f"{lang}: {path.relative_to(folder.parent)} mangler"]
    catalog = load(lang, folder)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    found += [f"{lang}: ny tekst, ikke i kataloget: {text!r}" for text in sorted(wanted - have)]
    found += [f"{lang}: tekst bruges ikke længere: {text!r}" for text in sorted(have - wanted)]
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if (
            message.fuzzy
            or not all(strings)
            or len(strings) != (1 if isinstance(message.id, str) else catalog.num_plurals)
        ):
            found.append(f"{lang}: ikke oversat: {message.id!r}")
    for message, errors in catalog.check():
        found += [f"{lang}: {message.id!r}: {error}" for error in errors]
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a catalogue is incomplete")
    args = parser.parse_args(argv)
    template = extract()
    if not args.check:
        (CATALOGUES / "messages.pot").parent.mkdir(parents=True, exist_ok=True)
        (CATALOGUES / "messages.pot").write_bytes(serialize(template))
        for lang in LANGUAGES:
            path = po_path(lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(serialize(updated(load(lang), template, lang)))
    found = [problem for lang in LANGUAGES for problem in problems(lang, template)]
    for problem in found:
        print(problem)
    total = len([m for m in template if m.id])
    print(f"{total} tekster; {len(found)} ting at gøre." if found else f"{total} tekster; alle sprog er oversat.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
