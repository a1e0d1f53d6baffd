"""The success report (the plan's section 5.4.3): materials, local-media stories and readership per year.

`invoke rapport --aar 2014 [--log adgangslog]` builds the site with
REPORT_REQUEST set; `ReportGenerator` then counts, for that year:
- information materials published against REPORT_GOALS["materials"]: the
  newsletter issues dated in the year and the months with stairwell posters;
- positive stories in local media against REPORT_GOALS["coverage"]: news
  items with a `Coverage:` link dated in the year;
- readership: visits to each issue's short addresses /n/<year>-<n>/... (those
  of its editions too: /ar/n/<year>-<n>/...) in the access log, against REPORT_GOALS["readers"] of HOUSEHOLDS. Without a log
  the report says it cannot count them.
It writes /rapport/<year>/ (HTML) and /rapport/<year>.pdf. Every build writes
the short addresses /n/<year>-<n>/, which forward to the issue's page, and those
its QR codes carry (/n/<year>-<n>/kalender/, /ar/n/<year>-<n>/abonner/, ...),
which forward to the code's page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup
from pelican.generators import Generator

from rumforliv.newsletter.issues import occurrences_between
from rumforliv.posters.posters import PosterPress
from rumforliv.report.readership import Readership, count_visits

DEFAULT_GOALS = {"materials": 10, "coverage": 5, "readers": 0.5}


@dataclass
class IssueReach:
    id: str
    title: str
    url: str
    visits: int
    share: float  # of the households


@dataclass
class Story:
    title: str
    date: dt.date
    url: str  # the news item on the site
    coverage: str  # the story in local media


@dataclass
class Figures:
    year: int
    issues: list
    poster_months: list[dt.date]
    stories: list[Story]
    households: int
    goals: dict
    readership: Readership | None = None
    log_name: str = ""
    reach: list[IssueReach] = field(default_factory=list)

    @property
    def materials(self) -> int:
        return len(self.issues) + len(self.poster_months)

    @property
    def materials_met(self) -> bool:
        return self.materials >= self.goals["materials"]

    @property
    def coverage_met(self) -> bool:
        return len(self.stories) >= self.goals["coverage"]

    @property
    def readers_goal(self) -> int:
        return round(self.households * self.goals["readers"])


def short_address(issue_id: str) -> str:
    return f"n/{issue_id}/"


def danish_issues(context: dict, settings: dict) -> list:
    return [issue for issue in context.get("newsletter_issues", []) if not issue.prefix]


def figures_for(context: dict, settings: dict, year: int, log: Path | None) -> Figures:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    issues = [issue for issue in danish_issues(context, settings) if issue.date.year == year]
    months = sorted({occ.day.replace(day=1) for occ in occurrences_between(context, first, last)})
    stories = [
        Story(article.title, article.date.date(), article.url, article.coverage)
        for article in sorted(context.get("articles", []), key=lambda a: (a.date, a.slug))
        if getattr(article, "coverage", None) and article.date.year == year
    ]
    figures = Figures(
        year,
        issues,
        months,
        stories,
        settings.get("HOUSEHOLDS", 0),
        {**DEFAULT_GOALS, **settings.get("REPORT_GOALS", {})},
    )
    if log is not None:
        figures.readership = count_visits(log, year)
        figures.log_name = log.name
        households = max(figures.households, 1)
        figures.reach = [
            IssueReach(issue.id, issue.title, issue.url, n, n / households)
            for issue in danish_issues(context, settings)
            for n in [figures.readership.visits.get(issue.id, 0)]
            if issue.date.year <= year
        ]
    return figures


def chart_svg(figures: Figures) -> Markup:
    """Visits per issue against the goal, as an SVG (matplotlib, no clock and a fixed salt: the same bytes each
    build; text drawn as paths, so the PDF needs no font of the machine)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.figure import Figure

    with pyplot.rc_context({"svg.hashsalt": "rumforliv", "svg.fonttype": "path", "font.size": 11}):
        figure = Figure(figsize=(6.4, 3.2))
        axes = figure.subplots()
        names = [reach.id for reach in figures.reach]
        axes.bar(names, [reach.visits for reach in figures.reach], color="#1d4e5c")
        axes.axhline(figures.readers_goal, color="black", linestyle="--", linewidth=1.2)
        axes.annotate(
            f"Mål: {figures.readers_goal} ({round(figures.goals['readers'] * 100)} % af {figures.households} husstande)",
            (0.01, figures.readers_goal),
            xycoords=("axes fraction", "data"),
            xytext=(0, 4),
            textcoords="offset points",
        )
        axes.set_ylabel("Besøg via QR-kode")
        axes.set_ylim(0, max([figures.readers_goal, *[r.visits for r in figures.reach]]) * 1.25 + 1)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", out.getvalue(), flags=re.S)  # RDF that HTML does not allow
    label = f"Besøg pr. nyhedsbrev: {', '.join(f'{r.id} {r.visits}' for r in figures.reach)}"
    svg = svg[svg.index("<svg") :].replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 width="100%"', svg, count=1)  # as wide as the page
    return Markup(svg)


class ReportGenerator(Generator):
    """Writes the short addresses /n/<issue>/ in every build, and the report when one is asked for."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        for issue in self.context.get("newsletter_issues", []):
            forwards = [(code.short, code.target) for code in [*issue.codes, *issue.language_codes]]
            if not issue.prefix:
                forwards.insert(0, (short_address(issue.id), issue.url))
            for short, target in forwards:
                self.write_forward(writer, issue, short, target)
        request = self.settings.get("REPORT_REQUEST")
        if request:
            self.write_report(writer, int(request["year"]), Path(request["log"]) if request.get("log") else None)

    def write_forward(self, writer, issue, short: str, target: str) -> None:
        """A short address printed in the issue (a QR code): a page that sends the phone on to `target`."""
        writer.write_file(
            f"{short}index.html",
            self.get_template("forward"),
            self.context,
            target=target,
            title=issue.title,
            url=short,
            page_lang=issue.lang,
            relative_urls=False,
        )

    def write_report(self, writer, year: int, log: Path | None) -> None:
        figures = figures_for(self.context, self.settings, year, log)
        chart = chart_svg(figures) if figures.reach else Markup("")
        values = {"figures": figures, "chart": chart}
        writer.write_file(
            f"rapport/{year}/index.html",
            self.get_template("rapport"),
            self.context,
            url=f"rapport/{year}/",
            relative_urls=False,
            **values,
        )
        html = self.get_template("rapport/print").render({**self.context, **values})
        press = PosterPress(self.settings)
        press.stylesheet = Path(self.settings["THEME"]) / "print" / "rapport" / "rapport.css"
        target = Path(self.output_path) / "rapport" / f"{year}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(press.pdf(html).data)
