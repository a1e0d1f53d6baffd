"""SMS segments: how many messages a text costs, as the phone network counts them.

A text whose every character is in the GSM 03.38 alphabet is sent 7 bits a
character (the `gsm0338` codec says which ones): 160 in one message, 153 per
part when it is split. Characters of the extension table (€ [ ] { } ~ ^ | \\)
take an escape first and count twice. Anything else (an en dash, a Turkish
ş, Arabic) sends the whole text as UCS-2: 70 in one message, 67 per part,
and a character outside the BMP (an emoji) counts twice. A character's
units are never split between two parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class Count:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or 16-bit code units (UCS-2)
    segments: int


def is_gsm(text: str) -> bool:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def char_units(text: str, encoding: str) -> list[int]:
    if encoding == "GSM-7":
        return [len(char.encode("gsm03.38")) for char in text]
    return [len(char.encode("utf-16-le")) // 2 for char in text]


def count(text: str) -> Count:
    """The encoding a phone would choose, its units and the number of segments."""
    encoding = "GSM-7" if is_gsm(text) else "UCS-2"
    units = char_units(text, encoding)
    single, part = LIMITS[encoding]
    total = sum(units)
    if total <= single:
        return Count(encoding, total, 1)
    segments, used = 1, 0
    for unit in units:
        if used + unit > part:
            segments, used = segments + 1, 0
        used += unit
    return Count(encoding, total, segments)
