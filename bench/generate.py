"""Synthetic content for the benchmark, in the format of docs/redaktoer.md.

    python bench/generate.py OUT [--factor 1.0] [--seed 7]

At factor 1: 400 news items, 1,500 events (200 of them repeating weekly, with
Except, Cancelled and Moved dates that are real occurrences) spread over
2013–2016, 16 newsletter issues with four sections each, and a few pages.
The same factor and seed always give the same files, byte for byte, so two
benchmark runs measure the same thing. The tree passes `schema.check_tree`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import runpy
import shutil
import sys
from pathlib import Path

from dateutil import rrule as dtrule

# The plan's vocabulary, from its one source.
PLAN = runpy.run_path(str(Path(__file__).resolve().parent.parent / "pelicanconf.py"))
AUDIENCES, CATEGORIES, ESTATES = PLAN["AUDIENCES"], PLAN["CATEGORIES"], PLAN["ESTATES"]

PLACES = [
    "Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby",
    "Sekretariatet, Carl Th. Dreyersvej 248, 2500 Valby",
    "Kontoret på Lukretiavej, 2500 Valby",
    "Gården i Akacieparken, 2500 Valby",
    "Valby Bibliotek, Valgårdsvej 4, 2500 Valby",
]
ORGANIZERS = ["Rum for Liv", "Dansk Flygtningehjælp", "Red Barnet", "Jobcenter København", "Lejerbo"]
SUBJECTS = [
    "Lektiecafé",
    "Fastelavn",
    "Sommerfest",
    "Familieklub",
    "Jobcafé",
    "Strikkeklub",
    "Fodbold",
    "Madklub",
    "Opgangsmøde",
    "Afdelingsmøde",
    "Loppemarked",
    "Juletræsfest",
    "Kursus i it",
    "Rådgivning",
    "Lommepengeprojekt",
    "Fællesspisning",
    "Havedag",
    "Filmaften",
    "Danskundervisning",
]
WORDS = [
    "beboere",
    "børn",
    "unge",
    "voksne",
    "gården",
    "huset",
    "kaffe",
    "kage",
    "møde",
    "bestyrelsen",
    "driften",
    "frivillige",
    "aktivitet",
    "kalender",
    "nyhedsbrev",
    "sommer",
    "vinter",
    "efterår",
    "forår",
    "sammen",
    "hjælp",
    "glæde",
    "naboer",
    "lektier",
    "job",
    "fest",
    "mad",
    "musik",
    "spil",
    "tur",
    "bus",
    "skov",
    "strand",
    "tegne",
    "male",
    "synge",
    "snakke",
    "lære",
    "velkommen",
    "tilmelding",
    "gratis",
    "alle",
    "familier",
    "seniorer",
    "område",
    "plan",
    "idé",
    "ønske",
    "svar",
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
FIRST, LAST = dt.date(2013, 1, 1), dt.date(2016, 12, 31)

# Sizes at factor 1, as the issue asks.
NEWS, EVENTS, REPEATING, ISSUES = 400, 1500, 200, 16


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    return " ".join(words).capitalize() + "."


def paragraphs(rng: random.Random, count: int) -> str:
    blocks = []
    for index in range(count):
        text = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        if index and rng.random() < 0.25:
            blocks.append("## " + sentence(rng).rstrip("."))
        if rng.random() < 0.15:
            blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
        blocks.append(text)
    return "\n\n".join(blocks)


def header(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields)


def some_day(rng: random.Random, first=FIRST, last=LAST) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def news_item(rng: random.Random, number: int) -> tuple[str, str]:
    day = some_day(rng)
    subject = rng.choice(SUBJECTS)
    slug = f"nyhed-{number:05d}"
    fields = [
        ("Title", f"{subject} i {rng.choice(ESTATES)} ({number})"),
        ("Date", f"{day} {rng.randint(8, 20):02d}:{rng.choice(['00', '15', '30', '45'])}"),
        ("Category", rng.choice(CATEGORIES)),
        ("Estate", ", ".join(rng.sample(ESTATES, rng.randint(1, 2)))),
        ("Tags", ", ".join(sorted(set(rng.choices(WORDS[:20], k=rng.randint(1, 3)))))),
        ("Slug", slug),
    ]
    if rng.random() < 0.5:
        fields.append(("Summary", sentence(rng)))
    if rng.random() < 0.05:
        fields.append(("Print", "no"))
    name = f"nyheder/{day.year}/{day}-{slug}.md"
    return name, header(fields) + "\n" + paragraphs(rng, rng.randint(3, 7)) + "\n"


def common_event_fields(rng: random.Random, number: int) -> list[tuple[str, str]]:
    return [
        ("Location", rng.choice(PLACES)),
        ("Estate", ", ".join(rng.sample(ESTATES, rng.randint(1, 2)))),
        ("Category", rng.choice(CATEGORIES)),
        ("Audience", ", ".join(rng.sample(AUDIENCES, rng.randint(1, 3)))),
        ("Organizer", rng.choice(ORGANIZERS)),
        ("Slug", f"aktivitet-{number:05d}"),
    ]


def one_off_event(rng: random.Random, number: int) -> list[tuple[str, str]]:
    day = some_day(rng)
    title = ("Title", f"{rng.choice(SUBJECTS)} ({number})")
    if rng.random() < 0.15:  # all-day, sometimes several days (a camp)
        last = day + dt.timedelta(days=rng.choice([0, 0, 1, 2]))
        timing = [("Start", str(day)), ("End", str(last))]
    else:
        hour = rng.randint(9, 19)
        timing = [("Start", f"{day} {hour:02d}:00")]
        if rng.random() < 0.8:
            timing.append(("End", f"{day} {hour + rng.randint(1, 3):02d}:30"))
    fields = [title] + timing
    if rng.random() < 0.03:
        fields.append(("Status", "cancelled"))
    return fields


def repeating_event(rng: random.Random, number: int) -> list[tuple[str, str]]:
    start_day = some_day(rng, FIRST, dt.date(2015, 6, 30))
    until = min(LAST, start_day + dt.timedelta(days=rng.randint(180, 1200)))
    byday = sorted(rng.sample(DAYS, rng.randint(1, 3)), key=DAYS.index)
    hour = rng.randint(9, 19)
    start = dt.datetime.combine(start_day, dt.time(hour))
    rule = f"FREQ=WEEKLY;BYDAY={','.join(byday)};UNTIL={until:%Y%m%d}"
    slots = sorted({moment.date() for moment in dtrule.rrulestr(rule, dtstart=start)})
    picked = rng.sample(slots, min(len(slots), rng.randint(3, 12)))
    excepted, cancelled, moved = picked[0::3], picked[1::3], picked[2::3]
    fields = [
        ("Title", f"{rng.choice(SUBJECTS)} hver uge ({number})"),
        ("Start", f"{start:%Y-%m-%d %H:%M}"),
        ("End", f"{start_day} {hour + 2:02d}:00"),
        ("Repeat", rule),
        ("Except", ", ".join(str(d) for d in sorted(excepted))),
        ("Cancelled", ", ".join(str(d) for d in sorted(cancelled))),
    ]
    if moved:
        fields.append(("Moved", ", ".join(f"{d} -> {d + dt.timedelta(days=1)} {hour:02d}:30" for d in sorted(moved))))
    return fields


def event(rng: random.Random, number: int, repeating: bool) -> tuple[str, str]:
    timing = repeating_event(rng, number) if repeating else one_off_event(rng, number)
    fields = timing + common_event_fields(rng, number)
    return f"kalender/aktivitet-{number:05d}.md", header(fields) + "\n" + paragraphs(rng, rng.randint(1, 3)) + "\n"


def issue(rng: random.Random, number: int, per_year: int) -> dict[str, str]:
    year, n = 2013 + number // per_year, number % per_year + 1
    month = 1 + (n - 1) * 12 // per_year
    date = dt.date(year, month, 1)
    covers_end = (date.replace(day=28) + dt.timedelta(days=4 + 31 * (12 // per_year - 1))).replace(day=1)
    covers_end -= dt.timedelta(days=1)
    folder = f"newsletter/{year}-{n}"
    files = {
        f"{folder}/index.md": header(
            [
                ("Title", f"Nyhedsbrev {year}-{n}"),
                ("Date", str(date)),
                ("Covers", f"{date} .. {covers_end}"),
            ]
        )
        + "\n"
        + paragraphs(rng, 3)
        + "\n"
    }
    for order, title in (
        (20, "Nyt fra bestyrelsen i Akacieparken"),
        (25, "Nyt fra bestyrelsen på Lukretiavej"),
        (30, "Nyt fra driften"),
        (40, "Nyt fra Lejerbo"),
    ):
        files[f"{folder}/{order}-{title.split()[-1].lower()}.md"] = (
            header([("Title", title)]) + "\n" + paragraphs(rng, rng.randint(2, 4)) + "\n"
        )
    return files


def pages(rng: random.Random) -> dict[str, str]:
    files = {
        "sider/forside.md": header([("Title", "Velkommen til Rum for Liv"), ("Slug", "forside"), ("Order", "1")]),
        "sider/om-helhedsplanen.md": header([("Title", "Om helhedsplanen"), ("Order", "2")]),
        "sider/kontakt.md": header([("Title", "Kontakt"), ("Order", "9")]),
    }
    for index, category in enumerate(CATEGORIES):
        files[f"sider/fokus/fokus-{index + 1}.md"] = header([("Title", category), ("Category", category)])
    return {name: text + "\n" + paragraphs(rng, 3) + "\n" for name, text in files.items()}


def generate(out: Path, factor: float = 1.0, seed: int = 7) -> dict[str, int]:
    """Write the tree (content/ and newsletter/) into `out`, replacing what was there."""
    rng = random.Random(seed)
    for folder in ("content", "newsletter"):
        shutil.rmtree(out / folder, ignore_errors=True)
    counts = {
        "news": max(1, round(NEWS * factor)),
        "events": max(2, round(EVENTS * factor)),
        "repeating": max(1, round(REPEATING * factor)),
        "issues": max(1, round(ISSUES * factor)),
    }
    files: dict[str, str] = {}
    for number in range(counts["news"]):
        name, text = news_item(rng, number)
        files[f"content/{name}"] = text
    # Repeating events spread evenly among the one-offs.
    step = counts["events"] / counts["repeating"]
    repeating_numbers = {int(i * step) for i in range(counts["repeating"])}
    for number in range(counts["events"]):
        name, text = event(rng, number, number in repeating_numbers)
        files[f"content/{name}"] = text
    per_year = max(1, -(-counts["issues"] // 4))
    for number in range(counts["issues"]):
        files.update(issue(rng, number, per_year))
    files.update({f"content/{name}": text for name, text in pages(rng).items()})
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / "content" / "billeder").mkdir(exist_ok=True)
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=float, default=1.0, help="scale every count (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.factor, args.seed)
    print(", ".join(f"{value} {key}" for key, value in counts.items()), "->", args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
