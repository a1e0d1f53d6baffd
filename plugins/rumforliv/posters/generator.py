"""The posters' Pelican generator: this month's and next month's poster per estate, and /opslag/.

`POSTER_MONTHS` (settings) says how many months from today's are printed in
every build (the site links them for the caretakers); `POSTER_REQUEST` (set
by `invoke opslag`) adds one month, some estates, perhaps in A3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from pelican.generators import Generator

from rumforliv.content import schema
from rumforliv.newsletter.issues import NewsletterError
from rumforliv.posters.posters import POSTER_ROWS, Poster, PosterPress, make_poster, poster_months

MOST_LINES = 3 * POSTER_ROWS  # more than an A4 page holds even of the shortest lines


class PosterGenerator(Generator):
    """Builds the posters' model in the context phase; prints them and writes /opslag/ in the output phase."""

    def __init__(self, *args, **kwargs):
        self.posters: list[Poster] = []  # linked from the site
        self.requested: list[Poster] = []  # asked for by `invoke opslag`
        super().__init__(*args, **kwargs)

    def generate_context(self):
        estates = self.settings.get("ESTATES", [])
        months = poster_months(self.settings["TODAY"], self.settings.get("POSTER_MONTHS", 0))
        made = (make_poster(self.context, self.settings, estate, month) for month in months for estate in estates)
        self.posters = [poster for poster in made if poster.lines]
        request = self.settings.get("POSTER_REQUEST") or {}
        if request:
            month = dt.date.fromisoformat(f"{request['month']}-01")
            for estate in request.get("estates") or estates:
                self.requested.append(
                    make_poster(self.context, self.settings, estate, month, request.get("size", "A4"))
                )
        self.context["posters"] = self.posters

    def poster_html(self, poster: Poster) -> str:
        return self.get_template("opslag/poster").render({**self.context, "poster": poster})

    def printed(self, press: PosterPress, poster: Poster) -> bytes:
        """One page: if the dates do not fit, the weekly activities in words; if that does not fit either,
        the last lines give way to a pointer to the website (the QR code has them all)."""
        try:
            printed = self.laid_out(press, poster)
            if printed.pages > 1 and not poster.summarised:
                poster.lines = make_poster(
                    self.context, self.settings, poster.estate, poster.month, summarise=True
                ).lines
                poster.summarised = True
                printed = self.laid_out(press, poster)
            if printed.pages > 1:
                printed = self.most_that_fit(press, poster, printed)
        except NewsletterError as error:
            raise schema.ContentError([schema.Problem(poster.save_as, 1, "", str(error))]) from None
        return printed.data

    def laid_out(self, press: PosterPress, poster: Poster):
        """The poster printed with at most MOST_LINES of its lines: no page holds more, and laying out
        pages that are thrown away costs half a second each. Cut lines count as running over."""
        lines = poster.lines
        poster.lines = lines[:MOST_LINES]
        try:
            printed = press.pdf(self.poster_html(poster), poster.size)
        finally:
            poster.lines = lines
        return replace(printed, pages=max(printed.pages, 2)) if len(lines) > MOST_LINES else printed

    def most_that_fit(self, press: PosterPress, poster: Poster, printed):
        """As many lines as fit on the page, and a line saying the website has the rest. The layout that
        ran over says how many lines its first page held; one fewer leaves room for that line."""
        lines, poster.more = poster.lines, True
        count = max(printed.fitting - 1, 1)
        while True:
            poster.lines = lines[:count]
            printed = press.pdf(self.poster_html(poster), poster.size)
            if printed.pages == 1 or count == 1:
                return printed
            count = min(count - 1, max(printed.fitting - 1, 1))

    def generate_output(self, writer):
        if not self.posters and not self.requested:
            return
        press = PosterPress(self.settings)
        output = Path(self.output_path)
        for poster in self.posters + self.requested:
            data = self.printed(press, poster)
            target = output / poster.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        writer.write_file(
            "opslag/index.html",
            self.get_template("opslag/index"),
            self.context,
            posters=self.posters,
            url="opslag/",
            relative_urls=False,
        )
