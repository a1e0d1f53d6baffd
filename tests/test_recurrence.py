"""The one expansion: rules, exceptions, cancellations and moves, across DST."""

import datetime as dt

import pytest

from rumforliv.calendar.recurrence import DEFAULT_TZ as TZ
from rumforliv.calendar.recurrence import build_schedule, event_problems, expand, until_utc
from rumforliv.content import schema

SETTINGS = {
    "DEFAULT_EVENT_MINUTES": 120,
    "ESTATES": ["Akacieparken"],
    "CATEGORIES": ["X"],
    "AUDIENCES": ["alle"],
    "LANGUAGES": ["da"],
}


def values(**fields):
    """Typed header values, parsed the way the reader parses them."""
    parsers = schema.SCHEMAS["event"]
    return {key.lower(): parsers[key.lower()][0](text, SETTINGS) for key, text in fields.items()}


class FakeEvent:
    slug = "x"

    def __init__(self, schedule):
        self.schedule = schedule


def occurrences(first, last, **fields):
    event = FakeEvent(build_schedule(values(**fields), SETTINGS))
    return expand([event], first, last)


def test_weekly_rule_keeps_local_time_across_both_dst_changes():
    occs = occurrences(
        dt.date(2013, 3, 20),
        dt.date(2013, 11, 10),
        Start="2013-01-07 15:00",
        End="2013-01-07 17:00",
        Repeat="FREQ=WEEKLY;BYDAY=MO",
    )
    assert {occ.start.astimezone(TZ).time() for occ in occs} == {dt.time(15)}
    offsets = {occ.start.utcoffset() for occ in occs}
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert all(occ.end - occ.start == dt.timedelta(hours=2) for occ in occs)


def test_until_as_plain_date_means_end_of_that_local_day_in_utc():
    assert until_utc("20161231", all_day=False) == "20161231T225959Z"
    assert until_utc("20130630", all_day=False) == "20130630T215959Z"
    occs = occurrences(
        dt.date(2016, 12, 1),
        dt.date(2017, 1, 31),
        Start="2013-01-06 10:00",
        Repeat="FREQ=WEEKLY;BYDAY=SA;UNTIL=20161231",
    )
    assert occs[-1].day == dt.date(2016, 12, 31)


def test_except_skips_cancelled_stays_and_moved_takes_the_new_time():
    occs = occurrences(
        dt.date(2013, 3, 1),
        dt.date(2013, 3, 10),
        Start="2013-01-07 15:00",
        Repeat="FREQ=WEEKLY;BYDAY=MO,WE",
        Except="2013-03-06",
        Cancelled="2013-03-04",
        Moved="2013-03-11 -> 2013-03-09 11:00",
    )
    shown = [(occ.day, occ.start.time(), occ.cancelled, occ.moved) for occ in occs]
    assert shown == [
        (dt.date(2013, 3, 4), dt.time(15), True, False),
        (dt.date(2013, 3, 9), dt.time(11), False, True),
    ]
    assert occs[1].original_start == dt.datetime(2013, 3, 11, 15, tzinfo=TZ)


def test_move_to_a_date_only_keeps_the_time():
    (occ,) = occurrences(
        dt.date(2013, 3, 4),
        dt.date(2013, 3, 10),
        Start="2013-01-01 10:00",
        Repeat="FREQ=WEEKLY;BYDAY=TU",
        Moved="2013-03-05 -> 2013-03-06",
    )
    assert occ.start == dt.datetime(2013, 3, 6, 10, tzinfo=TZ)


def test_except_range_skips_every_occurrence_inside_it():
    occs = occurrences(
        dt.date(2013, 2, 1),
        dt.date(2013, 2, 28),
        Start="2013-01-07 15:00",
        Repeat="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        Except="2013-02-09 .. 2013-02-17",
    )
    assert not [occ for occ in occs if dt.date(2013, 2, 9) <= occ.day <= dt.date(2013, 2, 17)]
    assert len(occs) == 12 - 3


def test_all_day_multi_day_event_has_exclusive_end_and_inclusive_last_day():
    (occ,) = occurrences(dt.date(2013, 7, 2), dt.date(2013, 7, 2), Start="2013-07-01", End="2013-07-03")
    assert occ.all_day and occ.start == dt.date(2013, 7, 1)
    assert occ.end == dt.date(2013, 7, 4) and occ.last_day == dt.date(2013, 7, 3)


def test_rule_without_end_continues_years_later():
    occs = occurrences(
        dt.date(2026, 11, 23), dt.date(2026, 11, 29), Start="2013-01-01 10:00", Repeat="FREQ=WEEKLY;BYDAY=TU"
    )
    assert [occ.day for occ in occs] == [dt.date(2026, 11, 24)]


def test_status_cancelled_marks_every_occurrence():
    occs = occurrences(
        dt.date(2013, 1, 1),
        dt.date(2013, 1, 31),
        Start="2013-01-01 10:00",
        Repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        Status="cancelled",
    )
    assert len(occs) == 3 and all(occ.cancelled for occ in occs)


@pytest.mark.parametrize(
    "fields, key, fragment",
    [
        ({"End": "2013-01-07 14:00"}, "End", "slutter (2013-01-07 14:00) før den begynder"),
        ({"End": "2013-01-08"}, "End", "begge have klokkeslæt"),
        (
            {"Repeat": "FREQ=WEEKLY;BYDAY=MO", "Except": "2013-01-08"},
            "Except",
            "2013-01-08 (tirsdag) er ikke en dag, hvor aktiviteten finder sted. Nærmeste dage: 2013-01-07, 2013-01-14",
        ),
        ({"Repeat": "FREQ=WEEKLY;BYDAY=MO", "Cancelled": "2013-01-09"}, "Cancelled", "(onsdag) er ikke en dag"),
        ({"Repeat": "FREQ=WEEKLY;BYDAY=MO", "Moved": "2013-01-08 -> 2013-01-09"}, "Moved", "er ikke en dag"),
        (
            {"Repeat": "FREQ=WEEKLY;BYDAY=MO", "Except": "2013-01-14", "Cancelled": "2013-01-14"},
            "Cancelled",
            "står både i Except og Cancelled",
        ),
        ({"Repeat": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20121231"}, "Repeat", "ingen datoer efter Start"),
    ],
)
def test_timing_mistakes_are_named(fields, key, fragment):
    problems = event_problems(values(Start="2013-01-07 15:00", **fields), SETTINGS)
    assert any(k == key and fragment in message for k, message in problems), problems


def test_a_correct_event_has_no_problems():
    fields = values(
        Start="2013-01-07 15:00",
        End="2013-01-07 17:00",
        Repeat="FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20161231",
        Except="2013-02-11",
        Cancelled="2013-03-04",
        Moved="2013-03-06 -> 2013-03-07 10:00",
    )
    assert event_problems(fields, SETTINGS) == []


def test_a_few_days_of_the_timeline_are_found_by_search_as_by_reading_it_all():
    """on_days looks only near the days asked for, also back as far as the longest occurrence lasts."""
    from rumforliv.calendar.recurrence import Timeline, expand, on_days

    events = [
        FakeEvent(build_schedule(values(**fields), SETTINGS))
        for fields in (
            {"Start": "2013-01-07 16:00", "Repeat": "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20130630"},
            {"Start": "2013-02-01", "End": "2013-02-11"},  # all day, 1 to 11 February
            {"Start": "2013-03-30 22:00", "End": "2013-04-02 10:00"},  # over the change to summer time
            {"Start": "2013-05-01 09:00", "Repeat": "FREQ=MONTHLY;COUNT=3", "Cancelled": "2013-06-01"},
        )
    ]
    timeline = expand(events, dt.date(2013, 1, 1), dt.date(2013, 12, 31))
    assert isinstance(timeline, Timeline) and timeline.longest == dt.timedelta(days=10)
    for offset in range(0, 200, 3):
        first = dt.date(2013, 1, 1) + dt.timedelta(days=offset)
        for length in (0, 1, 6, 27):
            last = first + dt.timedelta(days=length)
            read_all = [occ for occ in timeline if occ.day <= last and occ.last_day >= first]
            assert on_days(timeline, first, last) == read_all == on_days(list(timeline), first, last)
    assert [occ.day for occ in on_days(timeline, dt.date(2013, 2, 10), dt.date(2013, 2, 10))] == [
        dt.date(2013, 2, 1)
    ]  # a Sunday: only the long event, begun nine days before
