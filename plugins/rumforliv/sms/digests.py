"""The week's short text per audience: /sms/<year>-uge-<nn>-<audience>.txt and a page for staff.

Each text lists the week's activities for one audience (from the one
expansion), one line per activity with its days, times and a short link to
its page, in at most SMS_MAX_SEGMENTS segments: activities that do not fit
give way to a link to the calendar. Plain characters are preferred (a hyphen,
not an en dash), so a Danish text stays in the GSM alphabet, 160 a segment.
No phone number or other personal data is read or written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from pelican.generators import Generator

from rumforliv.content.slugs import slugify
from rumforliv.newsletter.issues import occurrences_between
from rumforliv.sms.segments import Count, count
from rumforliv.wording.words import hour

PLAIN = str.maketrans({"–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "…": "..."})


@dataclass
class Digest:
    audience: str
    slug: str  # "boern" for "børn"
    monday: dt.date
    text: str
    links: list[str]  # the built pages the text points at, site-relative ("kalender/lektiecafe/")

    @property
    def week(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def save_as(self) -> str:
        """sms/2013-uge-10-unge.txt: the ISO year and week."""
        year, week, _ = self.monday.isocalendar()
        return f"sms/{year}-uge-{week:02d}-{self.slug}.txt"

    @property
    def count(self) -> Count:
        return count(self.text)


def plain(text: str) -> str:
    """Characters outside the GSM alphabet that have a plain twin: each would make the text UCS-2 (70 a segment)."""
    return text.translate(PLAIN)


def short_host(settings: dict) -> str:
    return settings.get("SITE_HOST") or "localhost"


def short_day(occ) -> str:
    return format_date(occ.day, "EEE d/M", locale="da")  # 'man. 4/3'


def time_of(occ) -> str:
    """'15-17', '' for an all-day event, 'AFLYST' for a cancelled date."""
    if occ.cancelled:
        return "AFLYST"
    return "" if occ.all_day else f"{hour(occ.start)}-{hour(occ.end)}"


def days_and_times(occurrences) -> str:
    """'man. 4/3 AFLYST, ons. 6/3, tors. 7/3 15-17': days in a row at the same time share it."""
    groups: list[tuple[str, list[str]]] = []
    for occ in occurrences:
        if groups and groups[-1][0] == time_of(occ):
            groups[-1][1].append(short_day(occ))
        else:
            groups.append((time_of(occ), [short_day(occ)]))
    return ", ".join(f"{', '.join(days)} {time}".strip() for time, days in groups)


def activity_line(event, occurrences, settings: dict) -> str:
    link = f"{short_host(settings)}/{event.url}"
    return plain(f"{event.title}: {days_and_times(occurrences)} {link}")


def digest_for(context: dict, settings: dict, audience: str, monday: dt.date) -> Digest:
    """The week's activities for `audience`, as many as fit in SMS_MAX_SEGMENTS."""
    limit = settings.get("SMS_MAX_SEGMENTS", 3)
    sunday = monday + dt.timedelta(days=6)
    by_event: dict = {}
    for occ in occurrences_between(context, monday, sunday):
        if audience in occ.event.audiences and not occ.event.cancelled:
            by_event.setdefault(occ.event, []).append(occ)
    week = monday.isocalendar()[1]
    head = plain(f"{settings.get('SITENAME', '')}, {audience}, uge {week}:")
    more = f"Mere: {short_host(settings)}/kalender/"
    lines, links = [head], []
    if not by_event:
        lines.append(f"Ingen aktiviteter i uge {week}. {more}")
    for event, occs in by_event.items():
        line = activity_line(event, occs, settings)
        if count("\n".join([*lines, line, more])).segments > limit:
            lines.append(more)
            break
        lines.append(line)
        links.append(event.url)
    return Digest(audience, slugify(audience, settings), monday, "\n".join(lines) + "\n", links)


def weeks_from(today: dt.date, count_: int) -> list[dt.date]:
    """This week's Monday and the next ones."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(weeks=n) for n in range(count_)]


class DigestGenerator(Generator):
    """The texts for this week and the next (SMS_WEEKS), per audience in SMS_AUDIENCES, and /sms/."""

    def __init__(self, *args, **kwargs):
        self.digests: list[Digest] = []
        super().__init__(*args, **kwargs)

    def generate_context(self):
        weeks = weeks_from(self.settings["TODAY"], self.settings.get("SMS_WEEKS", 0))
        audiences = self.settings.get("SMS_AUDIENCES", [])
        self.digests = [digest_for(self.context, self.settings, a, monday) for monday in weeks for a in audiences]

    def generate_output(self, writer):
        if not self.digests:
            return
        from pathlib import Path

        for digest in self.digests:
            target = Path(self.output_path) / digest.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(digest.text, encoding="utf-8")
        writer.write_file(
            "sms/index.html",
            self.get_template("sms"),
            self.context,
            digests=self.digests,
            url="sms/",
            relative_urls=False,
        )
