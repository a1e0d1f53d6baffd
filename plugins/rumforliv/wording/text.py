"""Words for readers: dates and times, shared by the site and the newsletter.

Dates are formatted by Babel (never the machine's locale), so a build reads
the same on every machine. These functions are registered once as Jinja
filters for the site's templates and the newsletter's.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel.dates import format_date, format_time

from rumforliv.content.slugs import slugify  # noqa: F401  (the templates' and outputs' slugs)


def day_of(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@functools.cache  # pure, and asked for the same days on many pages
def long_date(value, lang: str = "da") -> str:
    """'tirsdag d. 5. marts 2013'."""
    pattern = "EEEE 'd.' d. MMMM y" if lang == "da" else "full"
    return format_date(day_of(value), pattern, locale=lang)


@functools.cache  # pure, and asked for the same days on many pages
def short_date(value, lang: str = "da") -> str:
    """'5. marts'."""
    return format_date(day_of(value), "d. MMMM" if lang == "da" else "d MMMM", locale=lang)


@functools.cache  # pure, and asked for the same days on many pages
def weekday(value, lang: str = "da") -> str:
    return format_date(day_of(value), "EEEE", locale=lang)


@functools.cache  # pure, and asked for the same days on many pages
def clock(value, lang: str = "da") -> str:
    """'15:00' (Danish readers expect the colon and 24 hours)."""
    return format_time(value, "HH:mm", locale=lang)


def time_span(occurrence, lang: str = "da") -> str:
    """'15:00–17:00', or '' for an all-day event."""
    if occurrence.all_day:
        return ""
    return f"{clock(occurrence.start, lang)}–{clock(occurrence.end, lang)}"


@functools.cache  # pure, and asked for the same days on many pages
def month_name(value, lang: str = "da") -> str:
    return format_date(value, "LLLL y", locale=lang)


FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "weekday": weekday,
    "clock": clock,
    "time_span": time_span,
    "month_name": month_name,
}
