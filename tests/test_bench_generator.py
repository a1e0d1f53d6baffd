"""The benchmark's synthetic content: valid for the strict checker, and the same every time."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
from pathlib import Path

from rumforliv.build.run import load_settings
from rumforliv.content import schema

from conftest import ROOT


def load_generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = load_generator()

FACTOR = 0.05  # 20 news items, 75 events (10 repeating), 1 issue: quick, same code paths


def settings_for(root: Path) -> dict:
    return load_settings(ROOT / "pelicanconf.py", PATH=str(root / "content"), NEWSLETTER_PATH=str(root / "newsletter"))


def digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_generated_tree_passes_the_strict_checker(tmp_path):
    counts = generate.generate(tmp_path, FACTOR)
    assert schema.check_tree(settings_for(tmp_path)) == []
    assert len(list((tmp_path / "content/nyheder").rglob("*.md"))) == counts["news"] == 20
    assert len(list((tmp_path / "content/kalender").glob("*.md"))) == counts["events"] == 75
    assert len(list((tmp_path / "newsletter").glob("*/index.md"))) == counts["issues"] == 1


def test_default_size_matches_the_issue(tmp_path):
    counts = generate.generate(tmp_path)
    assert counts == {"news": 400, "events": 1500, "repeating": 200, "issues": 16}
    events = [
        schema.check_file(path, settings_for(tmp_path), tmp_path / "content")[0]
        for path in sorted((tmp_path / "content/kalender").glob("*.md"))
    ]
    repeating = [e for e in events if "repeat" in e.values]
    assert len(repeating) == 200
    assert all("WEEKLY" in e.values["repeat"]["FREQ"] for e in repeating)
    assert all(e.values.get("except") and e.values.get("cancelled") for e in repeating)
    years = {day_of(e.values["start"]).year for e in events}
    assert years == {2013, 2014, 2015, 2016}
    issues = sorted(p.parent.name for p in (tmp_path / "newsletter").glob("*/index.md"))
    assert issues[0] == "2013-1" and issues[-1] == "2016-4" and len(issues) == 16
    assert all(len(list((tmp_path / "newsletter" / name).glob("*.md"))) == 5 for name in issues)


def test_except_and_cancelled_dates_are_real_occurrences(tmp_path):
    generate.generate(tmp_path, FACTOR)
    settings = settings_for(tmp_path)
    from rumforliv.calendar.recurrence import build_schedule

    checked = [
        schema.check_file(path, settings, tmp_path / "content")[0]
        for path in sorted((tmp_path / "content/kalender").glob("*.md"))
    ]
    repeating = [c for c in checked if "repeat" in c.values]
    assert repeating
    for event in repeating:
        schedule = build_schedule(event.values, settings)
        for day in event.values["except"] + event.values["cancelled"]:
            assert schedule.is_slot_day(day), (event.path, day)


def test_same_factor_and_seed_give_the_same_bytes(tmp_path):
    generate.generate(tmp_path / "a", FACTOR)
    generate.generate(tmp_path / "b", FACTOR)
    generate.generate(tmp_path / "c", FACTOR, seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_sizes_scale_with_the_factor(tmp_path):
    assert generate.generate(tmp_path, 0.25) == {"news": 100, "events": 375, "repeating": 50, "issues": 4}


def day_of(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_fast_slot_queries_agree_with_dateutil_on_generated_rules(tmp_path):
    """Schedule keeps a rule's starts and bisects them; plain rrule.between is the reference."""
    import pickle
    import random

    from dateutil import rrule as dtrule

    from rumforliv.calendar.recurrence import DEFAULT_TZ as TZ
    from rumforliv.calendar.recurrence import build_schedule

    generate.generate(tmp_path, FACTOR)
    settings = settings_for(tmp_path)
    rng = random.Random(3)
    for path in sorted((tmp_path / "content/kalender").glob("*.md")):
        values = schema.check_file(path, settings, tmp_path / "content")[0].values
        if "repeat" not in values:
            continue
        schedule = build_schedule(values, settings)
        reference = dtrule.rrulestr(schedule.rrule_text, dtstart=schedule.start)
        for _ in range(20):
            first = dt.date(2012, 12, 1) + dt.timedelta(days=rng.randrange(1600))
            last = first + dt.timedelta(days=rng.randrange(60))
            lo, hi = dt.datetime.combine(first, dt.time(), TZ), dt.datetime.combine(last, dt.time(23, 59, 59), TZ)
            expected = reference.between(lo, hi, inc=True)
            assert schedule.slots(first, last) == expected
            assert schedule.is_slot_day(first) == bool(reference.between(lo, lo.replace(hour=23, minute=59), inc=True))
        assert schedule.last_slot_day == list(reference)[-1].date()
        copy = pickle.loads(pickle.dumps(schedule))  # Pelican's cache: fields only, expansion rebuilt
        assert copy == schedule and "_starts" not in copy.__dict__ and copy.slots(first, last) == expected
