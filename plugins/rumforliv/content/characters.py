"""Characters an editor cannot see: text pasted from Word or a web page brings
no-break spaces, smart quotes, long dashes and line separators that look like
ordinary ones but make a field or a date unreadable.

Each one gets a Danish name, so a message can say which character is wrong
("et usynligt tegn: hårdt mellemrum (U+00A0)") instead of showing a value
that looks exactly like the right one.
"""

from __future__ import annotations

import re

NAMES = {
    "\t": "tabulator",
    "\u00a0": "hårdt mellemrum",
    "\u202f": "smalt hårdt mellemrum",
    "\u2007": "tal-mellemrum",
    "\u2009": "tyndt mellemrum",
    "\u200b": "usynligt mellemrum uden bredde",
    "\u200c": "usynligt skilletegn",
    "\u200d": "usynligt bindetegn",
    "\u2060": "usynligt ordbindetegn",
    "\u00ad": "blød bindestreg",
    "\u2028": "linjeskift fra Word",
    "\u2029": "afsnitsskift fra Word",
    "\ufeff": "usynligt mærke (BOM)",
    "\u201c": "krumt anførselstegn",
    "\u201d": "krumt anførselstegn",
    "\u201e": "krumt anførselstegn",
    "\u00ab": "vinkel-anførselstegn",
    "\u00bb": "vinkel-anførselstegn",
    "\u2018": "krum apostrof",
    "\u2019": "krum apostrof",
    "\u2013": "Words lange tankestreg",
    "\u2014": "Words ekstra lange tankestreg",
    "\u2010": "Words bindestreg",
    "\u2011": "Words hårde bindestreg",
    "\u2212": "minustegn",
}

# What each character should be replaced by where its meaning is unambiguous (a key, a date).
PLAIN = {
    "\t": " ",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\u00ad": "",
    "\ufeff": "",
    "\u201c": "",
    "\u201d": "",
    "\u201e": "",
    "\u00ab": "",
    "\u00bb": "",
    "\u2018": "",
    "\u2019": "",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
}

SPACES = "\t\u00a0\u202f\u2007\u2009"
QUOTES = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019"
DASHES = "\u2013\u2014\u2010\u2011\u2212"

# Characters that break a line, a font or a Markdown paragraph wherever they stand.
BREAKING = "\u2028\u2029\u200b\u2060\ufeff"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def described(char: str) -> str:
    """'et usynligt tegn: hårdt mellemrum (U+00A0)'."""
    name = NAMES.get(char) or ("et styretegn" if CONTROL.match(char) else "et særligt tegn")
    visible = char in QUOTES or char in DASHES
    what = "tegnet" if visible else "et usynligt tegn"
    return f"{what}: {name} (U+{ord(char):04X})"


def first_unusual(text: str, allowed: str = "") -> str | None:
    """The first character of `text` that is in NAMES or a control character (except `allowed`)."""
    for char in text:
        if char in allowed:
            continue
        if char in NAMES or CONTROL.match(char):
            return char
    return None


def plain(text: str) -> str:
    """`text` with every character of PLAIN replaced by its ordinary form."""
    return "".join(PLAIN.get(char, char) for char in text)


def plain_value(text: str) -> str:
    """A value with look-alike spaces and dashes made ordinary and invisible ones removed; quotes kept."""
    return "".join(PLAIN.get(char, char) if char not in QUOTES else char for char in text).strip()


BREAKING_ANYWHERE = re.compile(f"[{BREAKING}\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def breaking(text: str) -> list[tuple[int, str]]:
    """(line number, character) of the first character on each line that should never stand in a content file."""
    found: dict[int, str] = {}
    for match in BREAKING_ANYWHERE.finditer(text):
        found.setdefault(text.count("\n", 0, match.start()) + 1, match.group())
    return list(found.items())


REPLACED_BY = {
    " ": "skiftet ud med et almindeligt mellemrum",
    "-": "skiftet ud med en almindelig bindestreg",
    "": "slettet",
}


def changes(old: str, new: str) -> str:
    """What a fix did, in words: 'tegnet: krumt anførselstegn (U+201C) er slettet' (the lines look alike)."""
    words = []
    for char in dict.fromkeys(old):
        if char in NAMES and char not in new:
            done = "skiftet ud med kolon" if char == "\t" and new.count(":") > old.count(":") else None
            words.append(f"{described(char)} er {done or REPLACED_BY[PLAIN.get(char, '')]}")
    return "; ".join(words) if words else "linjen er rettet"
