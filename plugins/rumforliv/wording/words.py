"""An event's schedule in plain words: "hver tirsdag kl. 10–12, undtagen i juleferien".

Shared by the calendar pages and the newsletter (registered as the Jinja
filter `describe`). Weekday and month names come from Babel; the sentence
patterns ("hver %(days)s", "kl. %(start)s–%(end)s") are Danish texts
translated through the gettext catalogues (i18n.translate), so every
language gets whole sentences of its own. Only skipped dates in the period
the reader looks at (default: the next quarter from the build's today) are
mentioned.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale
from babel.dates import format_date, format_interval, get_day_names, get_month_names, match_skeleton

from rumforliv.calendar.recurrence import day_of
from rumforliv.wording.catalogues import N_, isolated, translate

RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 codes, Monday first like Babel
# "den første lørdag i måneden": each ordinal with its weekday, as languages order them differently.
ORDINALS = {
    1: N_("første %(day)s"),
    2: N_("anden %(day)s"),
    3: N_("tredje %(day)s"),
    4: N_("fjerde %(day)s"),
    5: N_("femte %(day)s"),
    -1: N_("sidste %(day)s"),
    -2: N_("næstsidste %(day)s"),
}
EVERY_DAY = {1: N_("hver dag"), 2: N_("hver anden dag"), 3: N_("hver tredje dag"), 4: N_("hver fjerde dag")}
EVERY_WEEK = {
    1: N_("hver %(days)s"),
    2: N_("hver anden %(days)s"),
    3: N_("hver tredje %(days)s"),
    4: N_("hver fjerde %(days)s"),
}
DESCRIBE_DAYS = 92  # skipped days mentioned: about a quarter ahead, like a newsletter


# --- Small pieces ------------------------------------------------------------


def join_words(items: list[str], lang: str = "da") -> str:
    """['a', 'b', 'c'] -> 'a, b og c' ('a، b و c' in Arabic)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    # TRANSLATORS: the comma between items of a list ("mandag, onsdag og torsdag").
    comma = translate(lang, ", ")
    return f"{comma.join(items[:-1])}{translate(lang, ' og ')}{items[-1]}"


def phrase(lang: str, pattern: str, **values) -> str:
    """A Danish sentence pattern in `lang`, filled in."""
    return translate(lang, pattern) % values


def day_name(code: str, lang: str = "da") -> str:
    """'TU' -> 'tirsdag' (Babel's name in the reader's language)."""
    return get_day_names("wide", locale=lang)[RRULE_DAYS.index(code)]


def hour(value: dt.datetime, lang: str = "da") -> str:
    """'15' or '15.30' ('15:30' outside Danish): minutes only when there are some."""
    if value.minute == 0:
        return f"{value.hour}"
    return f"{value.hour}.{value.minute:02d}" if lang == "da" else f"{value.hour}:{value.minute:02d}"


def hours(start: dt.datetime, end: dt.datetime, lang: str = "da") -> str:
    """'15–17', kept in that order inside Arabic and Urdu sentences."""
    return isolated(f"{hour(start, lang)}–{hour(end, lang)}", lang)


def clock_span(start: dt.datetime, end: dt.datetime, lang: str = "da") -> str:
    """'kl. 15–17', 'kl. 15.30–17'."""
    return phrase(lang, "kl. %(hours)s", hours=hours(start, end, lang))


@functools.cache  # Babel's format_skeleton matches the skeleton anew for every date: a millisecond each
def skeleton_pattern(skeleton: str, lang: str):
    """The locale's own pattern for `skeleton` ('MMMMd' -> "d. MMMM"), as Babel's format_skeleton picks it."""
    patterns = Locale.parse(lang).datetime_skeletons
    return patterns[skeleton if skeleton in patterns else match_skeleton(skeleton, patterns)]


@functools.cache  # pure, and asked for the same days on many pages
def day_month(day: dt.date, lang: str = "da", year: bool = False) -> str:
    """'24. december' (or '24. december 2013'); other languages in their own order."""
    if lang != "da":
        return plain(format_date(day, skeleton_pattern("yMMMMd" if year else "MMMMd", lang), locale=lang))
    return format_date(day, "d. MMMM y" if year else "d. MMMM", locale=lang)


@functools.cache  # pure, and asked for the same days on many pages
def long_day(day: dt.date, lang: str = "da") -> str:
    """'tirsdag d. 5. marts 2013'; other languages in Babel's full form."""
    if lang != "da":
        return format_date(day, "full", locale=lang)
    return format_date(day, "EEEE 'd.' d. MMMM y", locale=lang)


@functools.cache  # pure, and asked for the same days on many pages
def day_range(first: dt.date, last: dt.date, lang: str = "da", year: bool = True) -> str:
    """'1.–3. juli 2013', '30. juni – 2. juli 2013', '30. december 2013 – 2. januar 2014'."""
    if first == last:
        return day_month(first, lang, year)
    if first.year != last.year:
        return f"{day_month(first, lang, True)} – {day_month(last, lang, True)}"
    if lang != "da":  # Danish skeletons with a year abbreviate the month; others place the year themselves
        return plain(format_interval(first, last, "yMMMMd" if year else "MMMMd", locale=lang))
    span = plain(format_interval(first, last, "MMMMd", locale=lang))
    return f"{span} {first.year}" if year else span


def plain(text: str) -> str:
    """Babel puts thin spaces around dashes; ordinary ones read and search the same everywhere."""
    return text.replace("\u2009", " ")


# --- The rule in words -----------------------------------------------------


def rule_parts(schedule) -> dict[str, str]:
    return dict(schedule.rule or ())


def by_days(parts: dict, start) -> list[tuple[int, str]]:
    """BYDAY as (ordinal or 0, code): '1SA' -> (1, 'SA'); missing -> the start's weekday."""
    if "BYDAY" not in parts:
        return [(0, RRULE_DAYS[day_of(start).weekday()])]
    result = []
    for item in parts["BYDAY"].split(","):
        code, number = item[-2:], item[:-2]
        result.append((int(number) if number else 0, code))
    return result


def frequency(schedule, lang: str = "da") -> str | None:
    """'hver mandag og onsdag', 'hver anden onsdag', 'den første lørdag i måneden'; None if unusual."""
    parts = rule_parts(schedule)
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if any(key in parts for key in ("BYSETPOS", "BYWEEKNO", "BYYEARDAY")):
        return None
    how = rule_frequency(schedule, parts, freq, interval, lang)
    if how and "BYMONTH" in parts and freq != "YEARLY":
        months = get_month_names("wide", locale=lang)
        named = join_words([months[int(m)] for m in sorted(parts["BYMONTH"].split(","), key=int)], lang)
        how = phrase(lang, "%(how)s i %(months)s", how=how, months=named)
    return how


def rule_frequency(schedule, parts: dict, freq: str, interval: int, lang: str) -> str | None:
    if freq == "DAILY" and "BYDAY" not in parts:
        if interval in EVERY_DAY:
            return translate(lang, EVERY_DAY[interval])
        return phrase(lang, "hver %(n)s. dag", n=interval)
    days = by_days(parts, schedule.start)
    if freq == "WEEKLY" or (freq == "DAILY" and interval == 1):
        if any(number for number, _ in days) or "BYMONTHDAY" in parts:
            return None
        codes = sorted({code for _, code in days}, key=RRULE_DAYS.index)
        names = join_words([day_name(code, lang) for code in codes], lang)
        if interval in EVERY_WEEK:
            return phrase(lang, EVERY_WEEK[interval], days=names)
        return phrase(lang, "hver %(n)s. %(days)s", n=interval, days=names)
    if freq == "MONTHLY" and interval == 1:
        if "BYMONTHDAY" in parts:
            numbers = [n for n in parts["BYMONTHDAY"].split(",") if int(n) > 0]
            if not numbers:
                return None
            return phrase(
                lang, "den %(days)s i hver måned", days=join_words([day_number(n, lang) for n in numbers], lang)
            )
        if "BYDAY" not in parts:
            return phrase(lang, "den %(days)s i hver måned", days=day_number(day_of(schedule.start).day, lang))
        if all(number in ORDINALS for number, _ in days):
            named = [phrase(lang, ORDINALS[number], day=day_name(code, lang)) for number, code in days]
            return phrase(lang, "den %(days)s i måneden", days=join_words(named, lang))
        return None
    if freq == "YEARLY" and interval == 1 and not {"BYDAY", "BYMONTH", "BYMONTHDAY"} & set(parts):
        return phrase(lang, "hvert år d. %(date)s", date=day_month(day_of(schedule.start), lang))
    return None


def day_number(number, lang: str = "da") -> str:
    """'15.' (the 15th) in Danish, '15' elsewhere."""
    return f"{number}." if lang == "da" else f"{number}"


def period(schedule, since: dt.date, lang: str = "da") -> str:
    """'fra 2. april til og med 4. juni 2013', 'til og med 31. december 2016', or ''."""
    first, last = day_of(schedule.start), schedule.last_slot_day
    starts_later = first > since
    if last and starts_later:
        return phrase(
            lang,
            "fra %(first)s til og med %(last)s",
            first=day_month(first, lang, first.year != last.year),
            last=day_month(last, lang, True),
        )
    if last:
        return phrase(lang, "til og med %(last)s", last=day_month(last, lang, True))
    if starts_later:
        return phrase(lang, "fra %(first)s", first=day_month(first, lang, True))
    return ""


def holidays(settings: dict) -> list[tuple[str, dt.date, dt.date]]:
    """SCHOOL_HOLIDAYS as (name, first, last) with real dates."""
    return [(name, as_date(first), as_date(last)) for name, first, last in settings.get("SCHOOL_HOLIDAYS", ())]


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def exceptions(schedule, settings: dict, since: dt.date, until: dt.date, lang: str = "da") -> str:
    """'undtagen i vinterferien og 24. december': skipped days from `since` to `until`, or ''.

    A holiday is named only when every one of its slots is skipped, so the
    words never claim more than the dates do.
    """
    skipped = sorted(day for day in schedule.excluded if since <= day <= until)
    if not skipped:
        return ""
    named, covered = [], set()
    for name, first, last in holidays(settings):
        inside = [day for day in skipped if first <= day <= last]
        slots = {day_of(slot) for slot in schedule.slots(first, last)}
        if inside and slots <= set(schedule.excluded):
            named.append(translate(lang, name))  # the holidays' names are in the catalogues (i18n.SETTING_WORDS)
            covered.update(inside)
    single = [day for day in skipped if day not in covered]
    words = [phrase(lang, "i %(holidays)s", holidays=join_words(named, lang))] if named else []
    words += [day_month(day, lang, day.year != since.year) for day in single]
    return phrase(lang, "undtagen %(days)s", days=join_words(words, lang))


def clock_words(schedule, lang: str = "da") -> str:
    """'kl. 15–17'; a repeating stay over several days says when it ends: 'kl. 18 – søndag kl. 14'."""
    start, end = schedule.start, schedule.end
    if end - start < dt.timedelta(days=1):
        return clock_span(start, end, lang)
    return phrase(
        lang,
        "kl. %(start)s – %(weekday)s kl. %(end)s",
        start=isolated(hour(start, lang), lang),
        weekday=format_date(end.date(), "EEEE", locale=lang),
        end=isolated(hour(end, lang), lang),
    )


def one_off(schedule, lang: str = "da") -> str:
    """'tirsdag d. 5. marts 2013 kl. 10–12' or '1.–3. juli 2013'."""
    if schedule.all_day:
        last = schedule.end - dt.timedelta(days=1)
        return long_day(schedule.start, lang) if last == schedule.start else day_range(schedule.start, last, lang)
    start, end = schedule.start, schedule.end
    overnight = end - start < dt.timedelta(hours=12) and end.time() <= dt.time(6)
    if end.date() == start.date() or overnight:
        return f"{long_day(start.date(), lang)} {clock_span(start, end, lang)}"
    return phrase(
        lang,
        "%(first)s kl. %(start)s – %(last)s kl. %(end)s",
        first=long_day(start.date(), lang),
        start=isolated(hour(start, lang), lang),
        last=long_day(end.date(), lang),
        end=isolated(hour(end, lang), lang),
    )


def describe(
    event, settings: dict, lang: str = "da", since: dt.date | None = None, until: dt.date | None = None
) -> str:
    """The event's schedule in words, for a reader looking at days `since`..`until`.

    `since` defaults to the build's today, `until` to DESCRIBE_DAYS (92) later:
    a rule without end would otherwise list skipped days for years.

    >>> describe(lektiecafe, settings)  # doctest: +SKIP
    'hver mandag, onsdag og torsdag kl. 15–17, undtagen i vinterferien'
    """
    schedule = event.schedule
    if not schedule.rule:
        return one_off(schedule, lang)
    since = since or settings["TODAY"]
    until = until or since + dt.timedelta(days=settings.get("DESCRIBE_DAYS", DESCRIBE_DAYS))
    how = frequency(schedule, lang) or translate(lang, "flere gange – se datoerne")
    words = [how]
    if not schedule.all_day:
        words.append(clock_words(schedule, lang))
    when = " ".join(words + [period(schedule, since, lang)]).strip()
    skipped = exceptions(schedule, settings, since, until, lang)
    return f"{when}{translate(lang, ', ')}{skipped}" if skipped else when


# --- Jinja filters ----------------------------------------------------------


def describe_filter(event, lang: str | None = None, since: dt.date | None = None, until: dt.date | None = None) -> str:
    """`{{ event|describe }}`, `{{ event|describe(since=first, until=last) }}` (a newsletter's period)."""
    return describe(event, event.settings, lang or event.lang, since, until)


def iso(value) -> str:
    """For <time datetime>: '2013-03-04T15:00:00+01:00' or '2013-07-01'."""
    return value.isoformat()


@functools.cache  # pure, and asked for the same days on many pages
def day_heading(day: dt.date, lang: str = "da") -> str:
    """'mandag d. 4. marts': a day within a week list (the week gives the year)."""
    if lang != "da":
        return format_date(day_of(day), skeleton_pattern("MMMMEEEEd", lang), locale=lang)
    return format_date(day_of(day), "EEEE 'd.' d. MMMM", locale=lang)


def moved_from(occurrence, lang: str = "da") -> str:
    """Where a moved occurrence was: 'mandag d. 4. marts', or 'kl. 15' if only the time changed."""
    old, new = occurrence.original_start, occurrence.start
    if day_of(old) == day_of(new) and isinstance(old, dt.datetime):
        return phrase(lang, "kl. %(hours)s", hours=isolated(hour(old, lang), lang))
    return day_heading(old, lang)


def span(occurrence, lang: str = "da") -> str:
    """What the calendar shows as an occurrence's time: '15–17', '15.30–17', '1.–3. juli', ''."""
    if occurrence.all_day:
        return (
            "" if occurrence.last_day == occurrence.day else day_range(occurrence.day, occurrence.last_day, lang, False)
        )
    return hours(occurrence.start, occurrence.end, lang)


def first_upper(text: str) -> str:
    """'mandag d. 4. marts' -> 'Mandag d. 4. marts' (Jinja's capitalize would lower 'March')."""
    return text[:1].upper() + text[1:]


FILTERS = {
    "first_upper": first_upper,
    "describe": describe_filter,
    "iso": iso,
    "day_range": day_range,
    "day_heading": day_heading,
    "moved_from": moved_from,
    "span": span,
}
