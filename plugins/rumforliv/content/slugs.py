"""Slugs: the permanent part of a page's, a feed's and a calendar UID's address.

Pelican's own `slugify`, without Pelican: NFKC-normalised, tags stripped,
the site's SLUG_REGEX_SUBSTITUTIONS applied (Danish letters transliterated:
'Børn, unge og familier' -> 'boern-unge-og-familier'), lower case.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup


def slugify(text: str, settings: dict) -> str:
    """'Børn, unge og familier' -> 'boern-unge-og-familier'."""
    value = unicodedata.normalize("NFKC", Markup(text.lower()).striptags())
    for pattern, replacement in settings["SLUG_REGEX_SUBSTITUTIONS"]:
        value = re.sub(
            unicodedata.normalize("NFKC", pattern),
            unicodedata.normalize("NFKC", replacement),
            value,
            flags=re.IGNORECASE,
        )
    return value.lower().strip()
